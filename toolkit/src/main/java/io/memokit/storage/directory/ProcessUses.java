package io.memokit.storage.directory;

import io.memokit.storage.BlockUser;
import io.memokit.storage.ProcessIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which processes use which blocks of a directory store, {@code STORE/uses/}: one file per process,
 * {@code P<pid>-<start>.uses}, whose first line names the process ({@code pid host}) and whose
 * other lines name the blocks it opened (their directory names), one per line, appended once each.
 * The process holds its file locked for its whole life; the operating system drops that lock when
 * the process ends, however it ends (kill -9 included). So a file another process can lock belongs
 * to a process that ended: it is deleted, and its uses with it.
 *
 * <p>A file is made locked in {@code tmp/} and renamed into place, so that no process ever finds it
 * unlocked while its process runs.
 */
final class ProcessUses {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final String SUFFIX = ".uses";

  private final StoreFiles files;
  private final Path dir;
  private final Set<String> marked = new HashSet<>();
  /** This process's file, open and locked for its life; null until the first use. */
  private FileChannel mine;
  private Path myFile;

  ProcessUses(StoreFiles files, Path dir) {
    this.files = files;
    this.dir = dir;
  }

  /** Records that this process uses the block in directory {@code blockDir}; once per block. */
  synchronized void mark(String blockDir) throws IOException {
    if (marked.contains(blockDir)) return;
    Uninterruptibly.call(() -> {
      if (mine == null || !Files.exists(myFile)) open();
      ByteBuffer line = ByteBuffer.wrap((blockDir + "\n").getBytes(StandardCharsets.UTF_8));
      while (line.hasRemaining()) mine.write(line);
      return null;
    });
    marked.add(blockDir);
  }

  /** Makes this process's file, locked, with the blocks it already marked (after a removal of {@code uses/}). */
  private void open() throws IOException {
    if (mine != null) mine.close();
    files.createDirectory(dir);
    Path tmp = files.newTemporary(SUFFIX);
    FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        files.fileAttribute());
    try {
      ch.lock();
      StringBuilder text = new StringBuilder(ProcessIdentity.PID + " " + ProcessIdentity.HOST + "\n");
      for (String b : marked) text.append(b).append('\n');
      ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
      Path target = dir.resolve("P" + ProcessIdentity.PID + "-" + ProcessIdentity.STARTED + SUFFIX);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      myFile = target;
      mine = ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Ends this process's use of the store: its file goes, and other processes no longer see it as a user. */
  synchronized void close() throws IOException {
    if (mine == null) return;
    Files.deleteIfExists(myFile);
    mine.close();
    mine = null;
    myFile = null;
    marked.clear();
  }

  /** The other running processes that marked {@code blockDir}; files of processes that ended are deleted. */
  List<BlockUser> users(String blockDir) throws IOException {
    List<BlockUser> users = new ArrayList<>();
    if (!Files.isDirectory(dir)) return users;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : entries) {
        if (f.equals(ownFile())) continue;
        BlockUser user = Uninterruptibly.call(() -> userIn(f, blockDir));
        if (user != null) users.add(user);
      }
    }
    return users;
  }

  private synchronized Path ownFile() {
    return myFile;
  }

  /** The process of file {@code f} if it runs and marked {@code blockDir}; deletes the file of one that ended. */
  private static BlockUser userIn(Path f, String blockDir) throws IOException {
    List<String> lines;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException ours) {
        return null; // held in this JVM: this process's own uses
      }
      if (lock != null) {
        // Nobody holds it: its process ended. Deleted while locked, so a reader never sees half of it.
        Files.deleteIfExists(f);
        LOG.log(System.Logger.Level.DEBUG, "memokit: removed " + f + ", the uses of a process that ended");
        return null;
      }
      lines = complete(Files.readString(f, StandardCharsets.UTF_8));
    } catch (NoSuchFileException gone) {
      return null;
    }
    if (lines.isEmpty() || !lines.subList(1, lines.size()).contains(blockDir)) return null;
    String[] head = lines.get(0).split(" ", 2);
    try {
      return new BlockUser(Long.parseLong(head[0]), head.length > 1 ? head[1] : "?");
    } catch (NumberFormatException e) {
      return new BlockUser(0, lines.get(0));
    }
  }

  /** The lines of {@code text} that are whole (a line being appended is left out). */
  private static List<String> complete(String text) {
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
  }
}
