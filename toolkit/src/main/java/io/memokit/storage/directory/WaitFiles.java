package io.memokit.storage.directory;

import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.WaitBoard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory store's board of waits, {@code STORE/waits/}: while a thread waits for a
 * cell another process computes, it keeps a small file there saying which cell it waits for and
 * which cells it holds up (those it computes, and those of its process's threads waiting for it).
 * Reading the board lets a waiter find a cycle of processes waiting for each other.
 *
 * <p>A file is replaced whole (written aside, renamed) and removed when its wait ends. Files of
 * processes that died are never believed: on this host the process must still run (and not be a
 * reused pid); a file of another host must have been refreshed within {@link #REMOTE_FRESH_MILLIS}
 * (its writer rewrites it every second).
 */
final class WaitFiles implements WaitBoard {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final StoreFiles store;
  private final Path dir;

  WaitFiles(StoreFiles store, Path dir) {
    this.store = store;
    this.dir = dir;
  }

  /** Puts (or replaces) the current thread's entry on the board. */
  @Override
  public void publish(Entry e) throws IOException {
    Uninterruptibly.call(() -> {
      store.createDirectory(dir);
      store.replaceSmallFile(dir.resolve(fileName(e)), e.text().getBytes(StandardCharsets.UTF_8));
      return null;
    });
  }

  /** Removes the entry (its wait ended); never throws. */
  @Override
  public void withdraw(Entry e) {
    deleteQuietly(dir.resolve(fileName(e)));
  }

  /**
   * The entries of processes that may be alive; files of processes of this host that died are
   * removed, unreadable or half-written files skipped.
   */
  @Override
  public List<Entry> entries() {
    List<Entry> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) return result;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.wait")) {
      long now = System.currentTimeMillis(); // files are dated by the system clock: compared with it
      for (Path f : files) {
        Entry e;
        long modified;
        try {
          modified = Files.getLastModifiedTime(f).toMillis();
          e = Entry.parse(Uninterruptibly.call(() -> Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException goneOrBad) {
          continue; // removed meanwhile (its wait ended), or not a wait file
        }
        if (e.hostHash() == ProcessIdentity.HOST_HASH) {
          if (!ProcessIdentity.mayBeAlive(e.pid(), e.hostHash(), e.started())) {
            deleteQuietly(f); // its process died: the file says nothing any more
            continue;
          }
        } else if (now - modified > REMOTE_FRESH_MILLIS) {
          continue;
        }
        result.add(e);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cannot read " + dir + ": " + e);
    }
    return result;
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException | RuntimeException e) {
      // another process removed it, or cannot: it is ignored either way
    }
  }

  /** The file of a waiting thread's entry: {@code HOSTHASH-PID-THREAD.wait}. */
  static String fileName(WaitBoard.Entry e) {
    return String.format("%08x-%d-%d.wait", e.hostHash(), e.pid(), e.threadId());
  }
}
