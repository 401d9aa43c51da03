package io.memokit.storage.directory;

import io.memokit.function.FunctionId;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.io.FileUtils;

/**
 * The files of one block, and the locks that order every process's changes to them. The block's
 * layout, stated here once (the package's design note, {@link StoreLayout} and the parts of a
 * block link to this table):
 * <pre>
 *   index              {@link SlotTable}: one slot per live cell (id, key hash, state, statistics, where
 *                      its record is), memory-mapped
 *   keys               {@link KeyIndex}: key hash to slot, for admin sections (no scan to find a key's slot)
 *   locks              byte-range locks: byte 0 is the admin lock, held for the microseconds of a
 *                      structural change; byte 1 + (key hash &gt;&gt;&gt; 2) is held by the process computing
 *                      that cell; byte 2^62 + 2 by the process compacting the values log ({@link LogCompactor})
 *   values.G           {@link ValuesLog}: the records of finished cells up to {@value ValuesLog#MAX_RECORD}
 *                      bytes, appended; G is the log's generation
 *   values.compacting  the next generation, while a compaction writes it ({@link LogCompactor})
 *   cells/HASH.cell    one {@link CellFile} per larger finished cell, HASH the key's 128-bit hash in hex
 * </pre>
 * Every admin section first checks that the files are still the ones this process opened (one
 * stat of the index) and that the index header is sound, reopening or rebuilding them from the
 * cell files if not ({@link BlockRepair}); a section that finds files removed under it runs again
 * on the reopened files. A completion's section may instead trust a stat made by an admin section
 * of this process less than {@value #RECENT_CHECK_NANOS} ns before ({@link #withAdminAfterRecentCheck}):
 * the start of a short computation made one. Only files removed or replaced by hand in that
 * millisecond go unnoticed (the cell is then lost, never wrong: its record is checked whole at
 * every read); memokit's own clearing and removal reset the index in place, which every process
 * sees through its mapping.
 */
final class BlockFiles implements Closeable {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final long ADMIN_POSITION = 0;

  private final DirectoryBackend store;
  private final FunctionId id;
  private final Path dir;
  private final Path cells;
  private final Path indexFile;
  private final Path lockFile;
  private final Path keysFile;
  private final ReentrantLock admin = new ReentrantLock();
  private volatile SlotTable table;
  private volatile KeyIndex keys;
  private volatile FileChannel locks;
  private final ValuesLog log;
  private final BlockRepair repair;
  /** Identity (inode) of the index this process maps, to notice the block being deleted or replaced. */
  private volatile Object indexIdentity;
  /** How long a stat that found the files current vouches for them in {@link #withAdminAfterRecentCheck}. */
  static final long RECENT_CHECK_NANOS = 1_000_000;
  /** When ({@link io.memokit.storage.StoreSettings#ticker}) an admin section last found the files current. */
  private volatile long checkedAt;
  /** The index's size that stat gave, or -1 if no stat vouches for the files (opened or reopened since). */
  private volatile long checkedSize = -1;

  private BlockFiles(DirectoryBackend store, FunctionId id, Path dir) {
    this.store = store;
    this.id = id;
    this.dir = dir;
    this.cells = dir.resolve("cells");
    this.indexFile = dir.resolve("index");
    this.lockFile = dir.resolve("locks");
    this.keysFile = dir.resolve("keys");
    this.log = new ValuesLog(dir, store.files());
    this.repair = new BlockRepair(this);
  }

  static BlockFiles open(DirectoryBackend store, FunctionId id, Path dir) throws IOException {
    BlockFiles b = new BlockFiles(store, id, dir);
    b.openFiles();
    return b;
  }

  /** Creates the block's directory if needed (atomically, by renaming a complete one), then maps it. */
  private void openFiles() throws IOException {
    store.files().ensureLayout();
    if (!Files.isDirectory(dir)) {
      Path fresh = store.files().newTemporary("-block");
      store.files().createDirectory(fresh);
      store.files().createDirectory(fresh.resolve("cells"));
      store.files().createFile(fresh.resolve("locks"));
      store.files().createFile(fresh.resolve("index"));
      SlotTable.create(fresh.resolve("index"), store.settings().maxsize(), 64);
      try {
        Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileSystemException raced) {
        // Another process created the block first: rename(2) then fails with EEXIST or ENOTEMPTY,
        // which Java reports as a plain FileSystemException ("Directory not empty"). Use theirs.
        FileUtils.deleteQuietly(fresh.toFile());
        if (!Files.isDirectory(dir)) throw raced;
      }
    }
    store.files().createDirectory(cells);
    store.files().createFile(lockFile);
    FileChannel oldLocks = locks;
    locks = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (oldLocks != null) oldLocks.close();
    SlotTable oldTable = table;
    KeyIndex oldKeys = keys;
    store.files().createFile(keysFile);
    keys = KeyIndex.open(keysFile);
    try {
      table = SlotTable.open(indexFile);
    } catch (CorruptFileException | NoSuchFileException e) {
      // The first admin section below finds the header unsound and rebuilds the index from the cell files.
      store.files().createFile(indexFile);
      table = SlotTable.openForRebuild(indexFile);
    }
    table.attach(keys);
    indexIdentity = identity(indexFile);
    checkedSize = -1;
    if (oldTable != null) oldTable.close();
    if (oldKeys != null) oldKeys.close();
    log.close(); // channels of a replaced directory's files
    withAdmin(() -> null); // validates the index (rebuilding it if needed) and its key directory
  }

  private static Object identity(Path file) throws IOException {
    return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
  }

  /**
   * Whether the block's directory is still the one this process opened (not deleted or replaced
   * by another process or by hand): one stat of the index, at the start of every admin section.
   */
  private boolean stillCurrent() {
    return current() != null;
  }

  /** The index file's attributes if it is still the one this process opened (one stat), else {@code null}. */
  private java.nio.file.attribute.BasicFileAttributes current() {
    try {
      var attributes = Files.readAttributes(indexFile, java.nio.file.attribute.BasicFileAttributes.class);
      return java.util.Objects.equals(attributes.fileKey(), indexIdentity) ? attributes : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Reopens the block's files if they were deleted or replaced (one stat); for reads outside admin sections. */
  void ensureCurrent() throws IOException {
    if (!stillCurrent()) reopen();
  }

  /** Reopens (recreating if needed) the block's files after they were deleted or replaced under this process. */
  private synchronized void reopen() throws IOException {
    if (stillCurrent()) return;
    LOG.log(System.Logger.Level.WARNING, "memokit: the files of block " + id.label() + " in " + store.path()
        + " were removed or replaced by another process; reopening them");
    openFiles();
  }

  /** The lock byte of a cell: held by the process computing it. */
  static long lockPosition(long keyHi) {
    return 1 + (keyHi >>> 2);
  }

  /** Locks one byte of the lock file, or returns {@code null} if another process or thread holds it. */
  FileLock tryLockAt(long position) throws IOException {
    for (int attempt = 0; ; attempt++) {
      FileChannel ch = locks;
      try {
        return Uninterruptibly.call(() -> ch.tryLock(position, 1, false));
      } catch (OverlappingFileLockException e) {
        return null; // held by another thread of this process
      } catch (ClosedChannelException e) {
        if (attempt > 0) throw e;
        reopenLocks(ch);
      }
    }
  }

  private synchronized void reopenLocks(FileChannel closed) throws IOException {
    if (locks != closed) return;
    LOG.log(System.Logger.Level.WARNING, "memokit: the lock file channel of " + id.label() + " was closed (a thread "
        + "was interrupted during a lock operation); reopening it. Locks held by this process on it were released.");
    locks = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** Whether this thread is inside an admin section of this block. */
  boolean adminHeldByThisThread() {
    return admin.isHeldByCurrentThread();
  }

  /** A structural change of the block, run under its admin lock. */
  interface AdminAction<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code action} holding the block's admin lock (in this process, then across processes).
   * Admin sections are short: slot allocation, completion, eviction, clearing.
   */
  <T> T withAdmin(AdminAction<T> action) throws IOException {
    return withAdmin(action, false);
  }

  /**
   * {@link #withAdmin}, trusting a stat of the index that an admin section of this process made
   * less than {@value #RECENT_CHECK_NANOS} ns ago, if the index it maps fits in the size that stat
   * gave (else, as when another process grew it, the section stats again). For a completion: the
   * start of its computation made such a stat, and a short computation need not pay a second.
   */
  <T> T withAdminAfterRecentCheck(AdminAction<T> action) throws IOException {
    return withAdmin(action, true);
  }

  private <T> T withAdmin(AdminAction<T> action, boolean trustRecentCheck) throws IOException {
    admin.lock();
    try {
      boolean damaged = false;
      for (int attempt = 0; ; attempt++) {
        FileLock l;
        long backoff = 1_000;
        while ((l = tryLockAt(ADMIN_POSITION)) == null) {
          LockSupport.parkNanos(backoff);
          backoff = Math.min(backoff * 2, 2_000_000);
        }
        boolean stale = false;
        try {
          long size = trustRecentCheck && attempt == 0 ? recentlyCheckedSize() : -1;
          if (size < 0) {
            var attributes = current();
            if (attributes == null) {
              checkedSize = -1;
              if (attempt > 2) throw new IOException("the files of block " + id.label() + " keep changing");
              stale = true;
              continue; // released below; reopen, then lock the new lock file
            }
            size = attributes.size();
            checkedAt = store.settings().ticker().getAsLong();
            checkedSize = size;
          }
          try {
            if (damaged) {
              repair.rebuildIndex(); // also rewrites the key directory, trusting nothing of either file
              damaged = false;
            } else {
              repair.bringInStep(size);
            }
            return action.run();
          } catch (RuntimeException | InternalError e) {
            if (!isDamageFault(e)) throw e;
            // A length or offset read from a damaged file, used before a check caught it: the
            // index and key directory are rebuilt from the records, and the section runs again.
            if (attempt > 2) throw new CorruptFileException(indexFile, "the files of block " + id.label()
                + " stay unreadable after a rebuild: " + e);
            LOG.log(System.Logger.Level.WARNING, "memokit: the files of block " + id.label() + " are damaged ("
                + e + "); rebuilding its index from its records");
            damaged = true;
            continue;
          } catch (NoSuchFileException e) {
            // Files removed under this section (the block's or the store's directory deleted): if
            // the block is no longer the one opened, reopen it and run the action on the new files.
            if (attempt > 2 || stillCurrent()) throw e;
            stale = true;
            continue;
          }
        } finally {
          FileLock held = l;
          Uninterruptibly.call(() -> {
            if (held.isValid()) held.release();
            return null;
          });
          if (stale) reopen();
        }
      }
    } finally {
      admin.unlock();
    }
  }

  /**
   * The index's size as a stat gave it less than {@value #RECENT_CHECK_NANOS} ns ago, when the index
   * this process maps fits in it; else -1 (admin lock held).
   */
  private long recentlyCheckedSize() {
    long size = checkedSize;
    if (size < 0 || store.settings().ticker().getAsLong() - checkedAt >= RECENT_CHECK_NANOS) return -1;
    return table.fitsIn(size) ? size : -1;
  }

  /**
   * Whether {@code e} is what reading a damaged file throws when a length or offset it holds was
   * used before being checked: an index past a mapping's or an array's end, or the JVM's fault on
   * a mapped page past the end of a truncated file.
   */
  static boolean isDamageFault(Throwable e) {
    return e instanceof IndexOutOfBoundsException || e instanceof java.nio.BufferUnderflowException
        || e instanceof java.nio.BufferOverflowException || e instanceof NegativeArraySizeException
        || e instanceof InternalError;
  }

  /** The file of the finished cell of the key with this hash. */
  Path cellPath(long hi, long lo) {
    return cells.resolve(hex(hi) + hex(lo) + ".cell");
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
  }

  DirectoryBackend store() {
    return store;
  }

  FunctionId id() {
    return id;
  }

  SlotTable table() {
    return table;
  }

  KeyIndex keys() {
    return keys;
  }

  /** What repairs this block's files: {@link #withAdmin} runs it first, and reads call it when they find damage. */
  BlockRepair repair() {
    return repair;
  }

  ValuesLog log() {
    return log;
  }

  Path directory() {
    return dir;
  }

  Path cellsDirectory() {
    return cells;
  }

  Path indexFile() {
    return indexFile;
  }

  Path lockFile() {
    return lockFile;
  }

  @Override
  public void close() throws IOException {
    table.close();
    keys.close();
    locks.close();
    log.close();
  }
}
