package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.storage.GenerationPresence;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Hits on one block's finished cells: counted in the cell's slot, and remembered by this process so
 * that the next hits are answered from memory while the block's generation stands (see the
 * generation rule in {@link io.memokit.storage.directory the package's design note}).
 */
final class Hits {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;
  /** Hits on cells read from the files, each with its cell's presence, until {@link #flushQueued}. */
  private final ConcurrentLinkedQueue<SlotPresence> firstHits = new ConcurrentLinkedQueue<>();

  Hits(BlockFiles files) {
    this.files = files;
  }

  /**
   * A hit on a cell just read from the block's files, and what lets this process answer the next
   * ones from memory. A cell read through its slot at a generation (see {@link CellReads.Found})
   * is remembered as validated then, and its hit is queued, written to the slot by the next
   * {@link #publishHits}, as hits answered from memory are, and counted on the block's total even
   * if the cell is gone by then. A cell read from its own file is looked up and counted at once;
   * when the index no longer knows it (rebuilt, or the slot was corrupted), it is re-registered.
   */
  Presence hit(CellKey key, StoredCell cell) {
    if (!(cell instanceof CellReads.Found found)) throw new IllegalArgumentException("not a cell of this block: " + cell);
    if (found.generation() != CellReads.Found.UNVALIDATED) {
      SlotPresence p = new SlotPresence(found.slot(), found.cellId(), key.hashHi(), key.hashLo(), found.generation());
      p.readAt = files.store().settings().clockMillis().getAsLong();
      firstHits.add(p);
      return p;
    }
    long slot = hitRecord(found);
    return slot < 0 ? null : presence(slot, cell.cellId(), key.hashHi(), key.hashLo());
  }

  private long hitRecord(CellReads.Found found) {
    CellFile.Stored s = found.stored();
    long slot = found.slot();
    long now = files.store().settings().clockMillis().getAsLong();
    SlotTable t = files.table();
    if (t.holds(slot, s.meta().id(), s.keyHi(), s.keyLo())) {
      t.hit(slot, now);
      return slot;
    }
    try {
      return files.withAdmin(() -> {
        long slotNow = CellReads.findSlot(files, s.keyHi(), s.keyLo(), true);
        if (slotNow < 0) {
          // The index lost this cell's slot: indexed again, once.
          slotNow = files.repair().reindex(s, found.location(), now);
        }
        files.table().hit(slotNow, now);
        return slotNow;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot record a hit in " + files.indexFile() + ": " + e);
      return -1;
    }
  }

  /**
   * What this process remembers of the finished cell in {@code slot}: valid while the block's
   * generation is the one it was validated at (no slot freed since: one read of a shared header
   * word), else re-validated against the slot itself.
   */
  Presence presence(long slot, long cellId, long keyHi, long keyLo) {
    long generation = files.table().generation(); // read before the check: a free after it makes the next use re-check
    if (!files.table().holds(slot, cellId, keyHi, keyLo)) return null;
    return new SlotPresence(slot, cellId, keyHi, keyLo, generation);
  }

  private final class SlotPresence extends GenerationPresence {
    private final long slot;
    private final long keyHi;
    private final long keyLo;
    /** When the hit that read this cell was answered (while it waits in {@link #firstHits}). */
    long readAt;

    SlotPresence(long slot, long cellId, long keyHi, long keyLo, long generation) {
      super(cellId, generation);
      this.slot = slot;
      this.keyHi = keyHi;
      this.keyLo = keyLo;
    }

    @Override
    protected long generation() {
      return files.table().generation();
    }

    @Override
    protected boolean holdsCell() {
      return files.table().holds(slot, cellId(), keyHi, keyLo);
    }

    @Override
    public void publishHits(long n, long lastHitMillis) {
      files.table().addHits(slot, cellId(), keyHi, keyLo, n, lastHitMillis);
    }
  }

  private volatile Runnable publisher = () -> {};

  void beforeStatistics(Runnable publishHits) {
    publisher = publishHits;
  }

  /**
   * Publishes the hits this process counted in memory and the hits on cells read from the files
   * it queued (before statistics and evictions read them).
   */
  void publishHits() {
    try {
      publisher.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot publish hit counts of " + files.id().label() + ": " + e);
    }
    flushQueued(); // the memory's publication drains it too (flushHits); a backend used without one relies on this
  }

  /**
   * Writes the queued hits on cells read from the files ({@link #hit}): to the block's total, and to
   * each slot that still holds its cell.
   */
  void flushQueued() {
    SlotPresence p;
    while ((p = firstHits.poll()) != null) p.publishHits(1, p.readAt);
  }
}
