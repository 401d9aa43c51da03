package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.storage.GenerationPresence;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.io.IOException;

/**
 * Hits on one block's finished cells: counted in the cell's slot, and remembered by this process so
 * that the next hits are answered from memory while the block's generation stands (see the
 * generation rule in {@link io.memokit.storage.directory the package's design note}).
 */
final class Hits {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;

  Hits(BlockFiles files) {
    this.files = files;
  }

  /**
   * Counts a hit on a cell read from its file, returning its slot. When the index no longer knows
   * the cell (rebuilt, or the slot was corrupted), the cell is re-registered.
   */
  Presence hit(CellKey key, StoredCell cell) {
    if (!(cell instanceof CellReads.Found found)) throw new IllegalArgumentException("not a cell of this block: " + cell);
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

  /** Publishes the hits this process counted in memory (before statistics and evictions read them). */
  void publishHits() {
    try {
      publisher.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot publish hit counts of " + files.id().label() + ": " + e);
    }
  }
}
