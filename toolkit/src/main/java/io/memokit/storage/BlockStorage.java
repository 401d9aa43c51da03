package io.memokit.storage;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.io.FileUtils;

/**
 * The files of one block and the protocol that keeps them consistent across processes:
 * <pre>
 *   index    {@link SlotTable}: one slot per live cell (id, key hash, state, statistics)
 *   locks    byte-range locks: byte 0 guards structural changes (the "admin" lock, held for
 *            microseconds); byte 1 + (key hash &gt;&gt;&gt; 2) is held by the process computing that cell
 *   cells/   HASH.cell, one {@link CellFile} per finished cell
 * </pre>
 * A finished cell is its file: a hit reads the file named by the key hash (no directory scan) and
 * verifies its checksum and key. A cell in progress exists only as a pending slot plus the
 * computing process's lock, which the operating system releases if that process dies; a waiter
 * polling the lock then takes the cell over.
 */
public final class BlockStorage implements Closeable {

  /** Cells a block keeps unless resized: the default {@code maxsize}. */
  public static final int DEFAULT_MAXSIZE = Integer.getInteger("memokit.maxsize", 1024);
  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final long ADMIN_POSITION = 0;

  private final DirectoryStore store;
  private final FunctionId id;
  private final Path dir;
  private final Path cells;
  private final Path indexFile;
  private final Path lockFile;
  private final ReentrantLock admin = new ReentrantLock();
  private volatile SlotTable table;
  private volatile FileChannel locks;
  /** Identity (inode) of the index this process maps, to notice the block being deleted or replaced. */
  private volatile Object indexIdentity;
  private volatile long checkedAt;
  private static final long RECHECK_NANOS = 200_000_000L;

  private BlockStorage(DirectoryStore store, FunctionId id, Path dir) {
    this.store = store;
    this.id = id;
    this.dir = dir;
    this.cells = dir.resolve("cells");
    this.indexFile = dir.resolve("index");
    this.lockFile = dir.resolve("locks");
  }

  static BlockStorage open(DirectoryStore store, FunctionId id, Path dir) throws IOException {
    BlockStorage b = new BlockStorage(store, id, dir);
    b.openFiles();
    return b;
  }

  /** Creates the block's directory if needed (atomically, by renaming a complete one), then maps it. */
  private void openFiles() throws IOException {
    store.ensureLayout();
    if (!Files.isDirectory(dir)) {
      Path fresh = store.newTemporary("-block");
      store.createDirectory(fresh);
      store.createDirectory(fresh.resolve("cells"));
      store.createFile(fresh.resolve("locks"));
      store.createFile(fresh.resolve("index"));
      SlotTable.create(fresh.resolve("index"), DEFAULT_MAXSIZE, 64);
      try {
        Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileSystemException raced) {
        // Another process created the block first: rename(2) then fails with EEXIST or ENOTEMPTY,
        // which Java reports as a plain FileSystemException ("Directory not empty"). Use theirs.
        FileUtils.deleteQuietly(fresh.toFile());
        if (!Files.isDirectory(dir)) throw raced;
      }
    }
    store.createDirectory(cells);
    store.createFile(lockFile);
    FileChannel oldLocks = locks;
    locks = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (oldLocks != null) oldLocks.close();
    SlotTable oldTable = table;
    try {
      table = SlotTable.open(indexFile);
    } catch (CorruptFileException | NoSuchFileException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: " + e.getMessage() + "; rebuilding the index of " + id.label()
          + " from its cell files");
      store.createFile(indexFile);
      table = SlotTable.openForRebuild(indexFile);
      withAdmin(() -> {
        rebuildIndex();
        return null;
      });
    }
    if (oldTable != null) oldTable.close();
    indexIdentity = identity(indexFile);
    checkedAt = System.nanoTime();
  }

  private static Object identity(Path file) throws IOException {
    return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
  }

  /**
   * Whether the block's directory is still the one this process opened (not deleted or replaced
   * by another process or by hand). Checked at most every 200 ms, and after errors.
   */
  private boolean stillCurrent(boolean force) {
    long now = System.nanoTime();
    if (!force && now - checkedAt < RECHECK_NANOS) return true;
    checkedAt = now;
    try {
      return java.util.Objects.equals(identity(indexFile), indexIdentity);
    } catch (IOException e) {
      return false;
    }
  }

  /** Reopens (recreating if needed) the block's files after they were deleted or replaced under this process. */
  private synchronized void reopen() throws IOException {
    if (stillCurrent(true)) return;
    LOG.log(System.Logger.Level.WARNING, "memokit: the files of block " + id.label() + " in " + store.path()
        + " were removed or replaced by another process; reopening them");
    openFiles();
  }

  public FunctionId id() {
    return id;
  }

  /** Whether {@code e} is the JVM's report of a fault reading a mapped file (a file truncated under its mapping). */
  public static boolean isMappedFileFault(InternalError e) {
    return String.valueOf(e.getMessage()).contains("unsafe memory access");
  }

  /** Checks (and rebuilds if needed) the index after a fault reading its mapping. */
  public void repairAfterFault(InternalError fault) {
    LOG.log(System.Logger.Level.WARNING, "memokit: reading the index of " + id.label() + " faulted (" + fault.getMessage()
        + "): it was truncated under this process; checking and rebuilding it");
    store.repairCounters();
    try {
      withAdmin(() -> null); // validates the header and file size, rebuilding if needed
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot repair the index of " + id.label() + ": " + e);
    }
  }

  public Path directory() {
    return dir;
  }

  public String label() {
    return id.label();
  }

  public Path storePath() {
    return store.path();
  }

  public Codec codec() {
    return store.codec();
  }

  // ---- finished cells -------------------------------------------------------------------------

  /** A finished cell read from its file, checksum and key verified; its value is decoded on demand. */
  public static final class StoredCell {
    private final CellFile.Stored file;

    private StoredCell(CellFile.Stored file) {
      this.file = file;
    }

    public long cellId() {
      return file.meta().id();
    }

    public boolean isError() {
      return file.isError();
    }

    /** Whether the value holds expressions (definitions), so each hit must decode it afresh. */
    public boolean containsDefinitions() {
      return file.containsDefinitions();
    }

    /** The encoded value, as the codec wrote it. */
    public Codec.Encoded encoded() {
      return new Codec.Encoded(file.meta().codec(), file.bytes(), file.payloadLength(), file.containsDefinitions());
    }
  }

  private Path cellPath(long hi, long lo) {
    return cells.resolve(hex(hi) + hex(lo) + ".cell");
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
  }

  /**
   * The finished cell of {@code key}, or {@code null} if there is none. A corrupted or torn file is
   * logged and reported as absent (so the cell is recomputed and replaced), never returned.
   */
  public StoredCell read(CellKey key) {
    Path file = cellPath(key.hashHi(), key.hashLo());
    // Absent is the common case on a miss: ask with a stat, which costs no exception.
    if (!file.toFile().exists()) return null;
    try {
      byte[] bytes = Uninterruptibly.call(() -> Files.readAllBytes(file));
      CellFile.Stored s = CellFile.parse(file, bytes);
      if (!key.sameAs(s.keyHi(), s.keyLo(), s.key())) {
        // Another key's cell under this key's name: copied or renamed by hand, or (vanishingly rare)
        // a 128-bit hash collision. Either way not this cell's value.
        throw new CorruptFileException(file, "holds the cell of another key");
      }
      return new StoredCell(s);
    } catch (NoSuchFileException e) {
      return null;
    } catch (CorruptFileException | NewerFormatException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: " + e.getMessage() + "; treated as a miss and recomputed");
      forgetSlotsOf(key);
      return null;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read " + file + ": " + e + "; treated as a miss");
      return null;
    }
  }

  /** Decodes a finished cell's value (or stored exception). */
  public Object decode(StoredCell cell) throws IOException, ClassNotFoundException {
    CellFile.Stored s = cell.file;
    return store.codec().decode(s.meta().codec(), s.bytes(), s.payloadLength(), store.allowedClasses());
  }

  /** Decodes a finished cell's value with the objects of classes missing here salvaged ({@link Codec#salvage}). */
  public Object salvage(StoredCell cell) throws IOException, ClassNotFoundException {
    CellFile.Stored s = cell.file;
    return store.codec().salvage(s.meta().codec(), s.bytes(), s.payloadLength(), store.allowedClasses());
  }

  /**
   * Counts a hit on a cell read from its file, returning its slot. When the index no longer knows
   * the cell (rebuilt, or the slot was corrupted), the cell is re-registered.
   */
  public long hitFromFile(StoredCell cell) {
    CellFile.Stored s = cell.file;
    long slot = s.meta().slotHint();
    long now = System.currentTimeMillis();
    SlotTable t = table;
    if (t.holds(slot, s.meta().id(), s.keyHi(), s.keyLo())) {
      t.hit(slot, now);
      return slot;
    }
    try {
      return withAdmin(() -> {
        long found = findSlot(s.keyHi(), s.keyLo(), true);
        if (found < 0) {
          found = table.adopt(s.meta().id(), s.keyHi(), s.keyLo(), s.isError() ? SlotTable.ERROR : SlotTable.VALUE,
              s.isError() ? -s.fileSize() : s.fileSize(), s.meta().created(), s.meta().cpuNanos(),
              s.meta().wallNanos(), now);
        }
        table.hit(found, now);
        return found;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot record a hit in " + indexFile + ": " + e);
      return -1;
    }
  }

  /** The block's generation: unchanged since a validation means every validated slot still holds its cell. */
  public long generation() {
    return table.generation();
  }

  /** Whether {@code slot} still holds the finished cell {@code cellId} of the key with this hash (no system call). */
  public boolean holds(long slot, long cellId, long keyHi, long keyLo) {
    return table.holds(slot, cellId, keyHi, keyLo);
  }

  /** Publishes hits this process counted locally (see {@link #publishHitsWith}); never throws. */
  public void addHits(long slot, long cellId, long keyHi, long keyLo, long n) {
    table.addHits(slot, cellId, keyHi, keyLo, n, System.currentTimeMillis());
  }

  private volatile Runnable publisher = () -> {};

  /**
   * Registers what publishes this process's locally counted hits; it runs before statistics are
   * read ({@link #info}, {@link #cells}) and before structural changes, so they include them.
   */
  public void publishHitsWith(Runnable publish) {
    publisher = publish;
  }

  private void publishHits() {
    try {
      publisher.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot publish hit counts of " + id.label() + ": " + e);
    }
  }

  // ---- cell locks -----------------------------------------------------------------------------

  /** The lock a process holds while it computes a cell; released by the OS if the process dies. */
  public final class CellLock implements AutoCloseable {
    private final FileLock lock;

    private CellLock(FileLock lock) {
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        Uninterruptibly.call(() -> {
          if (lock.isValid()) lock.release();
          return null;
        });
      } catch (ClosedChannelException e) {
        // the channel was closed (and the lock with it)
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "memokit: cannot release a cell lock in " + lockFile + ": " + e);
      }
    }
  }

  private static long lockPosition(long keyHi) {
    return 1 + (keyHi >>> 2);
  }

  /** Locks {@code key}'s cell for computing, or returns {@code null} if another process (or thread) holds it. */
  public CellLock tryLock(CellKey key) throws IOException {
    FileLock l = tryLockAt(lockPosition(key.hashHi()));
    return l == null ? null : new CellLock(l);
  }

  private FileLock tryLockAt(long position) throws IOException {
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

  interface AdminAction<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code action} holding the block's admin lock (in this process, then across processes).
   * Admin sections are short: slot allocation, completion, eviction, clearing.
   */
  <T> T withAdmin(AdminAction<T> action) throws IOException {
    admin.lock();
    try {
      for (int attempt = 0; ; attempt++) {
        FileLock l;
        long backoff = 1_000;
        while ((l = tryLockAt(ADMIN_POSITION)) == null) {
          LockSupport.parkNanos(backoff);
          backoff = Math.min(backoff * 2, 2_000_000);
        }
        boolean stale = false;
        try {
          if (!stillCurrent(attempt > 0)) {
            if (attempt > 2) throw new IOException("the files of block " + id.label() + " keep changing");
            stale = true;
            continue; // released below; reopen, then lock the new lock file
          }
          try {
            table.validate();
          } catch (CorruptFileException | InternalError e) {
            LOG.log(System.Logger.Level.WARNING, "memokit: " + e.getMessage() + "; rebuilding the index of "
                + id.label() + " from its cell files");
            rebuildIndex();
          }
          try {
            return action.run();
          } catch (InternalError e) {
            throw new CorruptFileException(indexFile, "index could not be read: " + e.getMessage());
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

  // ---- cell lifecycle -------------------------------------------------------------------------

  /**
   * A cell being computed by this process: its slot and id, how many finished cells were evicted
   * to make room for it, and whether it was taken over from a process that died.
   */
  public record Pending(long slot, long cellId, int evicted, boolean takenOver) {}

  /** Creates a pending cell for {@code key} (caller holds the cell lock), evicting on overflow. */
  public Pending begin(CellKey key) throws IOException {
    if (table.live() >= table.maxsize()) publishHits(); // eviction reads last-hit times: make ours current
    store.registerHost();
    return withAdmin(() -> {
      int evicted = 0;
      int max = table.maxsize();
      long live = table.live();
      if (live >= max) evicted = evict((int) (live - max + 1) + overflowBatch(max));
      long cellId = store.nextCellId();
      long slot = table.allocate(cellId, key.hashHi(), key.hashLo(), System.currentTimeMillis(),
          ProcessIdentity.word());
      table.countMiss();
      return new Pending(slot, cellId, evicted, false);
    });
  }

  /**
   * Evicting one cell per miss in a full block would rescan the index on every miss; above 64 cells,
   * an overflow evicts 1/64 of maxsize more, so a scan serves that many misses.
   */
  private static int overflowBatch(int maxsize) {
    return maxsize >= 64 ? maxsize / 64 : 0;
  }

  /**
   * Takes over {@code key}'s pending cell left by a process that died (caller holds the cell lock,
   * which proves no live process computes it). Returns {@code null} if there is no such cell.
   */
  public Pending takeOver(CellKey key) throws IOException {
    store.registerHost();
    return withAdmin(() -> {
      long slot = findSlot(key.hashHi(), key.hashLo(), false);
      if (slot < 0) return null;
      SlotTable.Slot s = table.read(slot);
      table.restart(s, System.currentTimeMillis(), ProcessIdentity.word());
      table.countMiss();
      return new Pending(slot, s.id(), 0, true);
    });
  }

  /**
   * Who computes {@code key}'s cell, as its pending slot says (cell id, process, since when), or
   * {@code null} if no pending slot is visible (none yet, or finished). Only the cell's lock says
   * whether anyone computes it: ask this of a cell whose lock another holds, and check
   * {@link CellHolder#trusted}.
   */
  public CellHolder holder(CellKey key) {
    return holder(key.hashHi(), key.hashLo());
  }

  CellHolder holder(long hi, long lo) {
    try {
      SlotTable t = table;
      long slot = findSlot(hi, lo, false);
      if (slot < 0) return null;
      long id = t.get(slot, SlotTable.S_ID);
      long since = t.get(slot, SlotTable.S_CREATED);
      long word = t.get(slot, SlotTable.S_HOLDER);
      SlotTable.Slot again = t.read(slot); // the slot may have changed while it was read: read it whole again
      if (again == null || again.state() != SlotTable.PENDING || again.id() != id || again.created() != since
          || again.keyHi() != hi || again.keyLo() != lo) {
        return null;
      }
      int host = ProcessIdentity.hostOf(word);
      return new CellHolder(id, ProcessIdentity.pidOf(word), host, store.hostName(host), since);
    } catch (IOException | InternalError e) {
      return null;
    }
  }

  /** The store's board of waits across processes. */
  public WaitBoard waitBoard() {
    return store.waitBoard();
  }

  /** Who computes the cell {@code ref} names, in any block of this store (see {@link #holder(CellKey)}). */
  public CellHolder holderOf(WaitBoard.CellRef ref) {
    return store.holderOf(ref);
  }

  /** Result of {@link #complete}: whether the value is now stored, or the cell was removed meanwhile. */
  public enum Completion { STORED, LOST }

  /**
   * Stores a computed value (or exception) for a pending cell: writes its file aside, then, under
   * the admin lock, renames it into place and marks the slot finished, unless the cell was removed
   * while it was computed ({@link Completion#LOST}).
   */
  public Completion complete(Pending p, CellKey key, Codec.Encoded value, boolean isError, long created,
                             long cpuNanos, long wallNanos) throws IOException {
    CellFile.Meta meta = new CellFile.Meta(isError ? CellFile.ERROR : CellFile.VALUE, value.codec(),
        value.containsDefinitions() ? CellFile.FLAG_DEFINITIONS : 0, p.cellId(), (int) p.slot(), created, cpuNanos,
        wallNanos);
    var buffers = CellFile.build(meta, key, value.buffer(), value.length());
    long size = 0;
    for (var b : buffers) size += b.remaining();
    long fileSize = size;
    Path tmp = store.writeTemporary(buffers);
    boolean renamed = false;
    try {
      Completion c = withAdmin(() -> {
        SlotTable.Slot s = table.read(p.slot());
        if (s == null || s.state() != SlotTable.PENDING || s.id() != p.cellId() || s.keyHi() != key.hashHi()
            || s.keyLo() != key.hashLo()) {
          return Completion.LOST;
        }
        Files.move(tmp, cellPath(key.hashHi(), key.hashLo()), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        table.finish(s, isError ? SlotTable.ERROR : SlotTable.VALUE, isError ? -fileSize : fileSize, cpuNanos,
            wallNanos, System.currentTimeMillis());
        return Completion.STORED;
      });
      renamed = c == Completion.STORED;
      return c;
    } finally {
      if (!renamed) Files.deleteIfExists(tmp);
    }
  }

  /** Gives up a pending cell whose value will not be stored (not serializable, error, interrupt). */
  public void abandon(Pending p, CellKey key) {
    try {
      withAdmin(() -> {
        SlotTable.Slot s = table.read(p.slot());
        if (s != null && s.state() == SlotTable.PENDING && s.id() == p.cellId() && s.keyHi() == key.hashHi()) {
          table.free(p.slot());
        }
        return null;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot release pending cell " + p.cellId() + " of " + id.label()
          + ": " + e + " (it will be reclaimed when its lock is found free)");
    }
  }

  /** Slot of {@code key}: a finished one if {@code finished}, else a pending one; -1 if none. Scans. */
  private long findSlot(long hi, long lo, boolean finished) throws IOException {
    SlotTable t = table;
    long used = t.used();
    for (long i = 0; i < used; i++) {
      if (t.get(i, SlotTable.S_KEY_HI) != hi || t.get(i, SlotTable.S_KEY_LO) != lo) continue;
      SlotTable.Slot s = t.read(i);
      if (s == null || s.isCorrupt()) continue;
      if (finished ? s.isFinished() : s.state() == SlotTable.PENDING) return i;
    }
    return -1;
  }

  /** Drops the finished slots of a key whose file was corrupt, so the recomputed cell does not share its file with a stale slot. */
  private void forgetSlotsOf(CellKey key) {
    try {
      withAdmin(() -> {
        long slot;
        while ((slot = findSlot(key.hashHi(), key.hashLo(), true)) >= 0) table.free(slot);
        return null;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot update " + indexFile + ": " + e);
    }
  }

  // ---- eviction and management (admin lock held where noted) ----------------------------------

  /**
   * Evicts the {@code n} least recently hit finished cells (admin lock held); never a pending cell.
   * Also reclaims pending cells whose computing process died without a waiter. Returns the count.
   */
  private int evict(int n) throws IOException {
    long used = table.used();
    long[] order = new long[(int) used];
    int candidates = 0;
    int pendingCount = 0;
    for (long i = 0; i < used; i++) {
      SlotTable.Slot s = table.read(i);
      if (s == null) continue;
      if (s.isCorrupt()) {
        table.free(i);
        continue;
      }
      if (s.state() == SlotTable.PENDING) {
        if (!reclaimIfOrphan(s)) pendingCount++;
      } else {
        // lastHit in milliseconds fits 40 bits until year 2318; the slot index takes the low 23.
        order[candidates++] = (s.lastHit() << 23) | i;
      }
    }
    table.setLive(candidates + pendingCount); // heals a count left wrong by a process killed mid-update
    Arrays.sort(order, 0, candidates);
    int evicted = 0;
    for (int k = 0; k < candidates && evicted < n; k++) {
      long slot = order[k] & ((1L << 23) - 1);
      SlotTable.Slot s = table.read(slot);
      if (s == null || !s.isFinished()) continue;
      Files.deleteIfExists(cellPath(s.keyHi(), s.keyLo()));
      table.free(slot);
      evicted++;
    }
    return evicted;
  }

  /** Frees a pending slot whose cell lock is free: its process died and nobody took it over. */
  private boolean reclaimIfOrphan(SlotTable.Slot s) throws IOException {
    FileLock l = tryLockAt(lockPosition(s.keyHi()));
    if (l == null) return false;
    try {
      SlotTable.Slot again = table.read(s.index());
      if (again != null && again.state() == SlotTable.PENDING && again.id() == s.id()) {
        table.free(s.index());
        LOG.log(System.Logger.Level.INFO, "memokit: reclaimed cell " + s.id() + " of " + id.label()
            + ", left in progress by a process that died");
        return true;
      }
      return false;
    } finally {
      Uninterruptibly.call(() -> {
        l.release();
        return null;
      });
    }
  }

  /** Removes every cell (a computing process then sees its cell LOST). Returns finished cells removed. */
  public int clear() throws IOException {
    publishHits();
    return withAdmin(() -> {
      int removed = removeCells(s -> true);
      // Files whose slots were lost (corruption) go too: clear means empty.
      try (DirectoryStream<Path> files = Files.newDirectoryStream(cells, "*.cell")) {
        for (Path f : files) Files.deleteIfExists(f);
      }
      table.reset();
      return removed;
    });
  }

  /** Removes the cells holding a stored exception. Returns how many. */
  public int clearErrors() throws IOException {
    publishHits();
    return withAdmin(() -> removeCells(s -> s.state() == SlotTable.ERROR));
  }

  /** Deletes the files of the finished cells {@code which} selects and frees their slots (admin lock held). */
  private int removeCells(java.util.function.Predicate<SlotTable.Slot> which) throws IOException {
    int removed = 0;
    long used = table.used();
    for (long i = 0; i < used; i++) {
      SlotTable.Slot s = table.read(i);
      if (s != null && s.isFinished() && which.test(s)) {
        Files.deleteIfExists(cellPath(s.keyHi(), s.keyLo()));
        table.free(i);
        removed++;
      }
    }
    return removed;
  }

  /** Sets the block's maxsize, evicting least recently hit cells beyond it. Returns how many. */
  public int resize(int maxsize) throws IOException {
    if (maxsize < 1) throw new IllegalArgumentException("maxsize must be at least 1, got " + maxsize);
    publishHits();
    return withAdmin(() -> {
      table.setMaxsize(maxsize);
      long live = table.live();
      return live > maxsize ? evict((int) (live - maxsize)) : 0;
    });
  }

  public int maxsize() {
    return table.maxsize();
  }

  public BlockInfo info() {
    publishHits();
    int errors = 0;
    int pending = 0;
    int size = 0;
    long bytes = 0;
    for (CellInfo c : cells()) {
      size++;
      if (c.state() == CellInfo.State.ERROR) errors++;
      if (c.state() == CellInfo.State.COMPUTING) pending++;
      bytes += Math.abs(c.size());
    }
    SlotTable t = table;
    return new BlockInfo(id.name(), id.version(), id.code(), id.arity(), t.hits(), t.misses(), t.maxsize(), size,
        errors, pending, bytes, BlockInfo.keyedBy(id.version(), id.code()));
  }

  /** The block's cells, in slot order, read from the shared index (never the values). */
  public List<CellInfo> cells() {
    publishHits();
    List<CellInfo> listed = listCells();
    if (listed.stream().anyMatch(c -> c.state() == CellInfo.State.COMPUTING) && reclaimOrphans() > 0) {
      listed = listCells();
    }
    return listed;
  }

  /** Frees pending cells whose computing process died with nobody waiting. Returns how many. */
  private int reclaimOrphans() {
    try {
      return withAdmin(() -> {
        int reclaimed = 0;
        long used = table.used();
        for (long i = 0; i < used; i++) {
          SlotTable.Slot s = table.read(i);
          if (s != null && s.state() == SlotTable.PENDING && reclaimIfOrphan(s)) reclaimed++;
        }
        return reclaimed;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot reclaim cells of " + id.label() + ": " + e);
      return 0;
    }
  }

  private List<CellInfo> listCells() {
    List<CellInfo> result = new ArrayList<>();
    try {
      SlotTable t = table;
      long used = t.used();
      for (long i = 0; i < used; i++) {
        SlotTable.Slot s = t.read(i);
        if (s == null || s.isCorrupt()) continue;
        CellInfo.State state = s.state() == SlotTable.PENDING ? CellInfo.State.COMPUTING
            : s.state() == SlotTable.ERROR ? CellInfo.State.ERROR : CellInfo.State.VALUE;
        result.add(new CellInfo(s.id(), state, Instant.ofEpochMilli(s.created()), Instant.ofEpochMilli(s.lastHit()),
            s.hits(), s.size(), Duration.ofNanos(s.cpuNanos()), Duration.ofNanos(s.wallNanos())));
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read " + indexFile + ": " + e);
    }
    return result;
  }

  long highestId() {
    long highest = 0;
    for (CellInfo c : cells()) highest = Math.max(highest, c.id());
    return highest;
  }

  /**
   * Rebuilds the index from the cell files (admin lock held): used when the index is missing or
   * its header is corrupted. Statistics restart; every valid cell file is registered again.
   */
  private void rebuildIndex() throws IOException {
    // In place, in the same file: every process mapping it sees the rebuilt table at once.
    SlotTable t = table;
    t.reinitialize(DEFAULT_MAXSIZE);
    long now = System.currentTimeMillis();
    int adopted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(cells, "*.cell")) {
      for (Path f : files) {
        try {
          CellFile.Stored s = CellFile.parse(f, Files.readAllBytes(f));
          t.adopt(s.meta().id(), s.keyHi(), s.keyLo(), s.isError() ? SlotTable.ERROR : SlotTable.VALUE,
              s.isError() ? -s.fileSize() : s.fileSize(), s.meta().created(), s.meta().cpuNanos(), s.meta().wallNanos(),
              now);
          adopted++;
        } catch (CorruptFileException | NewerFormatException e) {
          LOG.log(System.Logger.Level.WARNING, "memokit: " + e.getMessage() + "; removed");
          Files.deleteIfExists(f);
        }
      }
    }
    LOG.log(System.Logger.Level.INFO, "memokit: rebuilt the index of " + id.label() + " with " + adopted + " cells"
        + " (statistics restart; maxsize is the default, " + DEFAULT_MAXSIZE + ")");
  }

  @Override
  public void close() throws IOException {
    table.close();
    locks.close();
  }

  @Override
  public String toString() {
    return "Block[" + store.path() + ":" + id.label() + "]";
  }
}
