package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.storage.CellHolder;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.Provenance;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Claims on one block's cells: a cell lock taken, a pending slot started (or taken over from a
 * process that died), the value published and the slot finished, or the cell abandoned; and who
 * computes a cell, as its pending slot says. A cell in progress exists only as a pending slot plus
 * the computing process's lock, which the operating system releases if that process dies; a
 * waiter polling the lock then takes the cell over.
 */
final class CellClaims {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;
  private final CellReads reads;
  private final Hits hits;
  private final BlockAdmin admin;

  CellClaims(BlockFiles files, CellReads reads, Hits hits, BlockAdmin admin) {
    this.files = files;
    this.reads = reads;
    this.hits = hits;
    this.admin = admin;
  }

  Claim tryClaim(CellKey key) throws IOException {
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
    /** The finished cell the last {@link #stored} found: its number, 0 for none, -1 before any read. */
    private long seen = -1;
    /** Whether {@link #begin} said once that the key's cell is stored after all. */
    private boolean toldStored;

    LockClaim(FileLock lock, CellKey key) {
      this.lock = lock;
      this.key = key;
    }

    @Override
    public StoredCell stored() {
      StoredCell c = reads.read(key);
      seen = c == null ? 0 : c.cellId();
      return c;
    }

    @Override
    public Started start() throws IOException {
      if (slot >= 0) throw new IllegalStateException("cell " + cellId + " of " + files.id().label() + " is already started");
      Started started = begin();
      cellId = started.cellId();
      return started;
    }

    @Override
    public Presence complete(Payload result, Timing timing, String code) throws IOException {
      if (slot < 0) throw new IllegalStateException("complete() before start() for a cell of " + files.id().label());
      return CellClaims.this.complete(slot, cellId, key, result, timing, code)
          ? hits.presence(slot, cellId, key.hashHi(), key.hashLo()) : null;
    }

    @Override
    public void abandon() {
      if (slot >= 0) CellClaims.this.abandon(slot, cellId, key);
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
     * gone or damaged, or it was read and refused), so that a key never has two slots; else
     * allocates a slot, evicting the least recently hit cells of a full block first. A finished
     * slot the claim's last read did not find is not freed the first time: {@link
     * Claim.StoredMeanwhile} has the caller read again.
     */
    private Started begin() throws IOException {
      if (files.table().live() >= files.table().maxsize()) hits.publishHits(); // eviction reads last-hit times: make ours current
      files.store().hosts().register();
      long now = files.store().settings().clockMillis().getAsLong();
      return files.withAdmin(() -> {
        // A key has at most one slot: a pending one is left by a process that died (this claim
        // proves it), a finished one is stale (its file is gone or damaged, or it was read and
        // refused: expired, or not valid for the caller).
        long pending = -1;
        long existing = files.table().find(key.hashHi(), key.hashLo());
        if (existing >= 0) {
          SlotTable.Slot s = files.table().read(existing);
          if (s != null && s.state() == SlotTable.PENDING) {
            pending = existing;
          } else if (s != null && s.isFinished()) {
            if (seen >= 0 && s.id() != seen && !toldStored) {
              // The claim's read missed it: made on an index being repaired (a truncated mapping
              // faults late, and the read went on with what it had). Read again rather than replace it.
              toldStored = true;
              throw new Claim.StoredMeanwhile(s.id());
            }
            admin.discard(s); // its own file too, if it has one: a cell a validity rule refused is replaced
          } else if (s != null) {
            files.table().free(existing);
          }
        }
        if (pending >= 0) {
          SlotTable.Slot s = files.table().read(pending);
          files.table().restart(s, now, ProcessIdentity.word());
          files.table().countMiss();
          slot = pending;
          return new Started(s.id(), 0, true);
        }
        int evicted = 0;
        int max = files.table().maxsize();
        long live = files.table().live();
        if (live >= max) {
          int needed = (int) (live - max + 1);
          evicted = admin.makeRoom(needed, max);
        }
        long newId = files.store().counters().nextCellId();
        slot = files.table().allocate(newId, key.hashHi(), key.hashLo(), now, ProcessIdentity.word());
        files.table().countMiss();
        return new Started(newId, evicted, false);
      });
    }
  }

  /** Who computes the cell of key hash {@code hi}, {@code lo}: see {@link DirectoryBlock#holder(CellKey)}. */
  CellHolder holder(long hi, long lo) {
    try {
      SlotTable t = files.table();
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
      return new CellHolder(id, ProcessIdentity.pidOf(word), host, files.store().hosts().name(host), since);
    } catch (IOException | InternalError e) {
      return null;
    }
  }

  /**
   * Stores a computed value (or exception) for a pending cell: a record up to
   * {@value ValuesLog#MAX_RECORD} bytes is appended to the values log under the admin lock; a larger
   * one is written to a file aside, then renamed into place under the admin lock. Then the slot is
   * marked finished. The record says where it came from: this process, its OS user, and {@code code}
   * (see {@link Provenance}). Returns {@code false} (and stores nothing) if the cell was removed
   * while it was computed.
   */
  private boolean complete(long slot, long cellId, CellKey key, Payload value, Claim.Timing timing, String code)
      throws IOException {
    Provenance provenance = Provenance.ofThisProcess(ProcessIdentity.USER,
        files.store().settings().clockMillis().getAsLong(), code);
    CellFile.Meta meta = new CellFile.Meta(value.error() ? CellFile.ERROR : CellFile.VALUE, value.codec(),
        value.shareable() ? CellFile.FLAG_SHAREABLE : 0, cellId, (int) slot, timing.createdMillis(),
        timing.cpuNanos(), timing.wallNanos());
    var buffers = CellFile.build(meta, provenance, key, value.bytes(), value.length());
    long size = 0;
    for (var b : buffers) size += b.remaining();
    long fileSize = size;
    long state = value.error() ? SlotTable.ERROR : SlotTable.VALUE;
    if (size <= ValuesLog.MAX_RECORD) {
      ByteBuffer record = ValuesLog.record(buffers, (int) size);
      boolean stored = files.withAdminAfterRecentCheck(() -> {
        SlotTable.Slot s = stillPending(slot, cellId, key);
        if (s == null) return false;
        long location = files.log().append(files.table(), record);
        files.table().finish(s, state, value.error() ? -fileSize : fileSize, timing.cpuNanos(), timing.wallNanos(),
            files.store().settings().clockMillis().getAsLong(), location);
        if (files.log().worthCompacting(files.table())) LogCompactor.request(files);
        return true;
      });
      if (stored) files.store().enforceByteLimit();
      return stored;
    }
    Path tmp = files.store().files().writeTemporary(buffers);
    boolean renamed = false;
    try {
      renamed = files.withAdminAfterRecentCheck(() -> {
        SlotTable.Slot s = stillPending(slot, cellId, key);
        if (s == null) return false;
        Files.move(tmp, files.cellPath(key.hashHi(), key.hashLo()), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        files.table().finish(s, state, value.error() ? -fileSize : fileSize, timing.cpuNanos(), timing.wallNanos(),
            files.store().settings().clockMillis().getAsLong(), ValuesLog.IN_OWN_FILE);
        return true;
      });
      return renamed;
    } finally {
      if (!renamed) Files.deleteIfExists(tmp);
      else files.store().enforceByteLimit(); // after this block's admin lock: a pass locks each block in turn
    }
  }

  /** The pending slot of this cell, or {@code null} if it was removed while computed (admin lock held). */
  private SlotTable.Slot stillPending(long slot, long cellId, CellKey key) throws IOException {
    SlotTable.Slot s = files.table().read(slot);
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
        SlotTable.Slot s = files.table().read(slot);
        if (s != null && s.state() == SlotTable.PENDING && s.id() == cellId && s.keyHi() == key.hashHi()) {
          files.table().free(slot);
          files.store().counters().giveBack(cellId);
        }
        return null;
      });
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot release pending cell " + cellId + " of " + files.id().label()
          + ": " + e + " (it will be reclaimed when its lock is found free)");
    }
  }
}
