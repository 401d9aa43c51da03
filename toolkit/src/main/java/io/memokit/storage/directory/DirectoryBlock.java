package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellHolder;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.StoredCell;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The files of one block and the protocol that keeps them consistent across processes:
 * <pre>
 *   index    {@link SlotTable}: one slot per live cell (id, key hash, state, statistics)
 *   locks    byte-range locks: byte 0 guards structural changes (the "admin" lock, held for
 *            microseconds); byte 1 + (key hash &gt;&gt;&gt; 2) is held by the process computing that cell
 *   values.G records of finished cells up to {@value ValuesLog#MAX_RECORD} bytes, appended ({@link ValuesLog})
 *   cells/   HASH.cell, one {@link CellFile} per larger finished cell
 * </pre>
 * A finished cell is its record: a hit finds its slot through the key directory and reads the
 * record the slot names (one positional read), or the file named by the key hash, and verifies its
 * checksum, key and cell id. A cell in progress exists only as a pending slot plus the
 * computing process's lock, which the operating system releases if that process dies; a waiter
 * polling the lock then takes the cell over.
 */
final class DirectoryBlock implements BlockBackend, Closeable {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final DirectoryBackend store;
  private final FunctionId id;
  private final BlockFiles files;
  private final CellReads reads;
  private final Hits hits;
  private final BlockStatistics statistics;
  private final BlockAdmin admin;

  private DirectoryBlock(DirectoryBackend store, FunctionId id, BlockFiles files) {
    this.store = store;
    this.id = id;
    this.files = files;
    this.reads = new CellReads(files);
    this.hits = new Hits(files);
    this.statistics = new BlockStatistics(files, hits);
    this.admin = new BlockAdmin(files);
  }

  static DirectoryBlock open(DirectoryBackend store, FunctionId id, Path dir) throws IOException {
    return new DirectoryBlock(store, id, BlockFiles.open(store, id, dir));
  }

  /** The index as mapped now (a reopened block maps a new one). */
  private SlotTable table() {
    return files.table();
  }
  @Override
  public FunctionId id() {
    return id;
  }

  @Override
  public StoredCell read(CellKey key) {
    return reads.read(key);
  }

  /** Where {@code key}'s finished record is (its own file whole, or its place in the log), or {@code null}. */
  CellReads.Region region(CellKey key) throws IOException {
    return reads.region(key);
  }

  @Override
  public Presence hit(CellKey key, StoredCell cell) {
    return hits.hit(key, cell);
  }

  @Override
  public void beforeStatistics(Runnable publishHits) {
    hits.beforeStatistics(publishHits);
  }

  /** Publishes the hits this process counted in memory: statistics and evictions then include them. */
  private void publishHits() {
    hits.publishHits();
  }

  @Override
  public BlockStatus status() {
    return statistics.status();
  }

  /** One shared word: the index's count of live slots. */
  @Override
  public boolean isEmpty() {
    return statistics.isEmpty();
  }

  @Override
  public List<CellStatus> cells() {
    return statistics.cells();
  }

  long highestId() {
    return statistics.highestId();
  }

  /** The bytes of the finished cells, as the index counts them. */
  long indexedBytes() {
    return statistics.indexedBytes();
  }

  /** Removes every cell (a computing process then sees its cell LOST). Returns finished cells removed. */
  @Override
  public int clear() throws IOException {
    publishHits();
    return admin.clear();
  }

  /** Removes the cells holding a stored exception. Returns how many. */
  @Override
  public int clearErrors() throws IOException {
    publishHits();
    return admin.clearErrors();
  }

  /** Sets the block's maxsize, evicting least recently hit cells beyond it. Returns how many. */
  @Override
  public int resize(int maxsize) throws IOException {
    if (maxsize < 1) throw new IllegalArgumentException("maxsize must be at least 1, got " + maxsize);
    publishHits();
    return admin.resize(maxsize);
  }

  @Override
  public int maxsize() {
    return admin.maxsize();
  }

  /** Adds this block's finished cells to {@code out}; see {@link BlockAdmin#evictionCandidates}. */
  long evictionCandidates(List<BlockAdmin.Candidate> out) {
    return admin.evictionCandidates(out);
  }

  /** Empties the index in place (admin lock held): every process mapping it forgets the block's cells. */
  void retire() throws IOException {
    admin.retire();
  }

  @Override
  public boolean repairedAfter(Throwable fault) {
    if (!BlockRepair.isMappedFileFault(fault)) return false;
    files.repair().repairAfterFault((InternalError) fault);
    return true;
  }

  Path directory() {
    return files.directory();
  }

  // ---- finished cells -------------------------------------------------------------------------

  // ---- cell locks -----------------------------------------------------------------------------

  @Override
  public Claim tryClaim(CellKey key) throws IOException {
    FileLock l = files.tryLockAt(BlockFiles.lockPosition(key.hashHi()));
    return l == null ? null : new LockClaim(l, key);
  }

  /**
   * A claim: the byte-range lock {@code 1 + (key hash >>> 2)} of the block's lock file, which the
   * operating system releases if the process dies; once started, a pending slot names the cell
   * and its process.
   */
  private final class LockClaim implements Claim {
    private final FileLock lock;
    private final CellKey key;
    private long slot = -1;
    private long cellId;

    LockClaim(FileLock lock, CellKey key) {
      this.lock = lock;
      this.key = key;
    }

    @Override
    public StoredCell stored() {
      return reads.read(key);
    }

    @Override
    public Started start() throws IOException {
      if (slot >= 0) throw new IllegalStateException("cell " + cellId + " of " + id.label() + " is already started");
      Started started = begin();
      cellId = started.cellId();
      return started;
    }

    @Override
    public Presence complete(Payload result, Timing timing) throws IOException {
      if (slot < 0) throw new IllegalStateException("complete() before start() for a cell of " + id.label());
      return DirectoryBlock.this.complete(slot, cellId, key, result, timing)
          ? hits.presence(slot, cellId, key.hashHi(), key.hashLo()) : null;
    }

    @Override
    public void abandon() {
      if (slot >= 0) DirectoryBlock.this.abandon(slot, cellId, key);
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
        LOG.log(System.Logger.Level.WARNING, "memokit: cannot release a cell lock in " + files.lockFile() + ": " + e);
      }
    }

    /**
     * Starts the cell under the admin lock: takes over the pending slot of the key if there is one
     * (this claim proves its process died), frees any finished slot of the key (stale: its file is
     * gone or damaged, or it would have been read), so that a key never has two slots; else
     * allocates a slot, evicting the least recently hit cells of a full block first.
     */
    private Started begin() throws IOException {
      if (table().live() >= table().maxsize()) publishHits(); // eviction reads last-hit times: make ours current
      store.hosts().register();
      long now = store.settings().clockMillis().getAsLong();
      return files.withAdmin(() -> {
        // A key has at most one slot: a pending one is left by a process that died (this claim
        // proves it), a finished one is stale (its file is gone or damaged, or it was read).
        long pending = -1;
        long existing = table().find(key.hashHi(), key.hashLo());
        if (existing >= 0) {
          SlotTable.Slot s = table().read(existing);
          if (s != null && s.state() == SlotTable.PENDING) {
            pending = existing;
          } else if (s != null) {
            table().free(existing);
          }
        }
        if (pending >= 0) {
          SlotTable.Slot s = table().read(pending);
          table().restart(s, now, ProcessIdentity.word());
          table().countMiss();
          slot = pending;
          return new Started(s.id(), 0, true);
        }
        int evicted = 0;
        int max = table().maxsize();
        long live = table().live();
        if (live >= max) {
          int needed = (int) (live - max + 1);
          evicted = admin.makeRoom(needed, max);
        }
        long newId = store.counters().nextCellId();
        slot = table().allocate(newId, key.hashHi(), key.hashLo(), now, ProcessIdentity.word());
        table().countMiss();
        return new Started(newId, evicted, false);
      });
    }
  }

  // ---- cell lifecycle -----------------------------------------------------------------------

  /**
   * Who computes {@code key}'s cell, as its pending slot says (cell id, process, since when), or
   * {@code null} if no pending slot is visible (none yet, or finished). Only the cell's lock says
   * whether anyone computes it: ask this of a cell whose lock another holds, and check
   * {@link CellHolder#trusted}.
   */
  @Override
  public CellHolder holder(CellKey key) {
    return holder(key.hashHi(), key.hashLo());
  }

  CellHolder holder(long hi, long lo) {
    try {
      SlotTable t = table();
      long slot = CellReads.findSlot(files, hi, lo, false);
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
      return new CellHolder(id, ProcessIdentity.pidOf(word), host, store.hosts().name(host), since);
    } catch (IOException | InternalError e) {
      return null;
    }
  }

  /**
   * Stores a computed value (or exception) for a pending cell: a record up to
   * {@value ValuesLog#MAX_RECORD} bytes is appended to the values log under the admin lock; a larger
   * one is written to a file aside, then renamed into place under the admin lock. Then the slot is
   * marked finished. Returns {@code false} (and stores nothing) if the cell was removed while it
   * was computed.
   */
  private boolean complete(long slot, long cellId, CellKey key, Payload value, Claim.Timing timing) throws IOException {
    CellFile.Meta meta = new CellFile.Meta(value.error() ? CellFile.ERROR : CellFile.VALUE, value.codec(),
        value.shareable() ? CellFile.FLAG_SHAREABLE : 0, cellId, (int) slot, timing.createdMillis(),
        timing.cpuNanos(), timing.wallNanos());
    var buffers = CellFile.build(meta, key, value.bytes(), value.length());
    long size = 0;
    for (var b : buffers) size += b.remaining();
    long fileSize = size;
    long state = value.error() ? SlotTable.ERROR : SlotTable.VALUE;
    if (size <= ValuesLog.MAX_RECORD) {
      byte[] record = ValuesLog.record(buffers, (int) size);
      boolean stored = files.withAdmin(() -> {
        SlotTable.Slot s = stillPending(slot, cellId, key);
        if (s == null) return false;
        long location = files.log().append(table(), record);
        table().finish(s, state, value.error() ? -fileSize : fileSize, timing.cpuNanos(), timing.wallNanos(),
            store.settings().clockMillis().getAsLong(), location);
        if (files.log().worthCompacting(table())) LogCompactor.request(files);
        return true;
      });
      if (stored) store.enforceByteLimit();
      return stored;
    }
    Path tmp = store.files().writeTemporary(buffers);
    boolean renamed = false;
    try {
      renamed = files.withAdmin(() -> {
        SlotTable.Slot s = stillPending(slot, cellId, key);
        if (s == null) return false;
        Files.move(tmp, files.cellPath(key.hashHi(), key.hashLo()), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        table().finish(s, state, value.error() ? -fileSize : fileSize, timing.cpuNanos(), timing.wallNanos(),
            store.settings().clockMillis().getAsLong(), ValuesLog.IN_OWN_FILE);
        return true;
      });
      return renamed;
    } finally {
      if (!renamed) Files.deleteIfExists(tmp);
      else store.enforceByteLimit(); // after this block's admin lock: a pass locks each block in turn
    }
  }

  /** The pending slot of this cell, or {@code null} if it was removed while computed (admin lock held). */
  private SlotTable.Slot stillPending(long slot, long cellId, CellKey key) throws IOException {
    SlotTable.Slot s = table().read(slot);
    return s == null || s.state() != SlotTable.PENDING || s.id() != cellId || s.keyHi() != key.hashHi()
        || s.keyLo() != key.hashLo() ? null : s;
  }

  /**
   * Gives up a pending cell whose value will not be stored (not storable, an error, an interrupt),
   * and its number back, so that the next cell started takes it (unless a later one was given meanwhile).
   */
  private void abandon(long slot, long cellId, CellKey key) {
    try {
      files.withAdmin(() -> {
        SlotTable.Slot s = table().read(slot);
        if (s != null && s.state() == SlotTable.PENDING && s.id() == cellId && s.keyHi() == key.hashHi()) {
          table().free(slot);
          store.counters().giveBack(cellId);
        }
        return null;
      });
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot release pending cell " + cellId + " of " + id.label()
          + ": " + e + " (it will be reclaimed when its lock is found free)");
    }
  }

  /** See {@link BlockVerifier}. */
  List<String> check(boolean fix) {
    return BlockVerifier.check(store, files, fix);
  }

  @Override
  public void close() throws IOException {
    files.close();
  }

  @Override
  public String toString() {
    return "Block[" + store.path() + ":" + id.label() + "]";
  }
}
