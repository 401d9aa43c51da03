package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.io.FileUtils;

/**
 * How a store's files are made: with the store directory's permissions (whatever this process's
 * umask), whole (written in {@code tmp/} and renamed into place), and its directories recreated
 * if they were removed while in use. Temporary files are named after their process, so those of
 * processes that died are removed when the store is opened.
 */
final class StoreFiles {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  static final long PID = ProcessHandle.current().pid();

  private final Path root;
  private final Path blocksDir;
  private final Path tmpDir;
  private final Set<PosixFilePermission> dirPermissions;
  private final Set<PosixFilePermission> filePermissions;
  private final boolean chmodAfterCreate;
  private final AtomicLong tempSequence = new AtomicLong();

  StoreFiles(Path root, Set<PosixFilePermission> dirPermissions, boolean chmodAfterCreate) {
    this.root = root;
    this.blocksDir = root.resolve(StoreLayout.BLOCKS);
    this.tmpDir = root.resolve(StoreLayout.TMP);
    this.dirPermissions = dirPermissions;
    this.filePermissions = withoutExecute(dirPermissions);
    this.chmodAfterCreate = chmodAfterCreate;
  }

  Path root() {
    return root;
  }

  Path blocksDirectory() {
    return blocksDir;
  }

  /** Creates the store's directories and removes the temporary files of processes that died. */
  void prepare() throws IOException {
    createDirectory(blocksDir);
    createDirectory(tmpDir);
    removeStaleTemporaries();
  }

  FileAttribute<Set<PosixFilePermission>> fileAttribute() {
    return PosixFilePermissions.asFileAttribute(filePermissions);
  }

  /** Creates a directory with the store's permissions (no error if it exists). */
  void createDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(dirPermissions));
      if (chmodAfterCreate) Files.setPosixFilePermissions(dir, dirPermissions);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw e;
    }
  }

  /** Creates an empty file with the store's permissions (no error if it exists). */
  void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttribute());
      if (chmodAfterCreate) Files.setPosixFilePermissions(file, filePermissions);
    } catch (FileAlreadyExistsException ignored) {
      // present already
    }
  }

  /** A fresh path in the store's temporary directory, named after this process. */
  Path newTemporary(String suffix) {
    return tmpDir.resolve(PID + "-" + tempSequence.incrementAndGet() + suffix);
  }

  /**
   * Recreates the store's directories and marker if they were removed while this process uses the
   * store (by another process's clean-up, or by hand), so that it keeps working.
   */
  void ensureLayout() throws IOException {
    if (Files.isDirectory(tmpDir) && Files.isDirectory(blocksDir)) return;
    LOG.log(System.Logger.Level.WARNING, "memokit: store " + root + " lost its directories (removed while in use); "
        + "recreating them");
    Files.createDirectories(root.getParent());
    createDirectory(root);
    if (!Files.exists(root.resolve(StoreMarker.NAME))) StoreMarker.write(root);
    createDirectory(blocksDir);
    createDirectory(tmpDir);
  }

  /** Writes {@code content} to a new temporary file with the store's permissions and returns it. */
  Path writeTemporary(ByteBuffer[] content) throws IOException {
    try {
      return writeTemporaryOnce(content);
    } catch (NoSuchFileException e) {
      ensureLayout();
      for (ByteBuffer b : content) b.rewind();
      return writeTemporaryOnce(content);
    }
  }

  private Path writeTemporaryOnce(ByteBuffer[] content) throws IOException {
    return writeTemporaryOnce(content, ".tmp");
  }

  private Path writeTemporaryOnce(ByteBuffer[] content, String suffix) throws IOException {
    Path tmp = newTemporary(suffix);
    // Uninterruptibly: a function that returned while its thread was interrupted still gets its value stored.
    try (FileChannel ch = Uninterruptibly.call(() -> FileChannel.open(tmp,
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttribute()))) {
      Uninterruptibly.call(() -> {
        long remaining = 0;
        for (ByteBuffer b : content) remaining += b.remaining();
        while (remaining > 0) remaining -= ch.write(content);
        return null;
      });
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (chmodAfterCreate) Files.setPosixFilePermissions(tmp, filePermissions);
    return tmp;
  }

  /**
   * Replaces {@code target} whole with {@code bytes}: written aside in {@code tmp/} (as {@code PID-N-note},
   * not {@code .tmp}, the suffix of values being written), then renamed over it.
   */
  void replaceSmallFile(Path target, byte[] bytes) throws IOException {
    ensureLayout();
    Path tmp = writeTemporaryOnce(new ByteBuffer[] {ByteBuffer.wrap(bytes)}, "-note");
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  void removeStaleTemporaries() {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmpDir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        int dash = n.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash > 0 ? n.substring(0, dash) : n);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != PID && ProcessHandle.of(pid).isEmpty()) FileUtils.deleteQuietly(p.toFile());
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot clean " + tmpDir + ": " + e);
    }
  }

  /** Whether this process's umask removes permissions the store's files should have. */
  static boolean umaskStrips(Path root, Set<PosixFilePermission> wanted) throws IOException {
    Path probe = root.resolve(".perm-probe." + PID);
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe, PosixFilePermissions.asFileAttribute(wanted));
      return !Files.getPosixFilePermissions(probe).equals(wanted);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  static Set<PosixFilePermission> withoutExecute(Set<PosixFilePermission> perms) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    p.addAll(perms);
    p.remove(PosixFilePermission.OWNER_EXECUTE);
    p.remove(PosixFilePermission.GROUP_EXECUTE);
    p.remove(PosixFilePermission.OTHERS_EXECUTE);
    return p;
  }
}
