package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Hits on a block's cells: counting them in the store (one statement, one row), and what lets this
 * process answer the next ones from memory ({@link RowPresence}, kept valid by {@link Watches}).
 */
final class Hits {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final PostgresBackend store;
  private final FunctionId id;

  Hits(PostgresBackend store, FunctionId id) {
    this.store = store;
    this.id = id;
  }

  /** Counts a hit on a cell just read; its presence was validated by the read's snapshot. */
  Presence hit(StoredCell cell) {
    CellReads.Whereabouts w = (CellReads.Whereabouts) cell.whereabouts();
    if (store.canWrite()) {
      try {
        long now = store.settings().clockMillis().getAsLong();
        boolean stored = store.connections().call(c -> addHits(c, w.blockId(), w.cellId(), 1, now));
        if (!stored) return null; // removed since the read (the hit is counted)
      } catch (SQLException e) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: cannot count a hit of " + id.label() + ": " + e);
      }
    }
    return presence(w.blockId(), w.cellId(), w.generation(), w.readAt());
  }

  /**
   * Adds {@code n} hits, the last at {@code lastHit}, to cell {@code cellId}; to its block's hits of
   * removed cells if the cell was removed meanwhile (every hit answered is counted, as the directory
   * store counts it). One statement, which locks one row: the cell's, or else the block's. Returns
   * whether the cell was still stored.
   */
  private static boolean addHits(Connection c, long blockId, long cellId, long n, long lastHit) throws SQLException {
    try (PreparedStatement u = c.prepareStatement("WITH hit AS (UPDATE memokit.cells SET hits = hits + ?, "
        + "last_hit = GREATEST(last_hit, ?) WHERE id = ? AND state > 0 RETURNING id), "
        + "gone AS (UPDATE memokit.blocks SET removed_hits = removed_hits + ? WHERE id = ? "
        + "AND NOT EXISTS (SELECT 1 FROM hit) RETURNING id) "
        + "SELECT EXISTS (SELECT 1 FROM hit)")) {
      u.setLong(1, n);
      u.setLong(2, lastHit);
      u.setLong(3, cellId);
      u.setLong(4, n);
      u.setLong(5, blockId);
      try (ResultSet r = u.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  /** What lets this process answer hits of cell {@code cellId} from memory: it was stored at {@code generation}, read at {@code readAt}. */
  Presence presence(long blockId, long cellId, long generation, long readAt) {
    return new RowPresence(store.watches().watch(blockId, generation, readAt), cellId, generation);
  }

  /**
   * A cell this process remembers: still stored while its block's generation is the one it was
   * validated at ({@link Watches} bounds how old that knowledge may be); re-validated by one query
   * when the generation moved (another cell of the block may have gone, not this one).
   */
  private final class RowPresence implements Presence {
    private final Watches.Watch watch;
    private final long cellId;
    private volatile long validatedAt;

    RowPresence(Watches.Watch watch, long cellId, long generation) {
      this.watch = watch;
      this.cellId = cellId;
      this.validatedAt = generation;
    }

    @Override
    public long cellId() {
      return cellId;
    }

    @Override
    public boolean stillStored() {
      if (!store.watches().current(watch)) return false;
      long generation = watch.generation;
      if (generation == validatedAt) return true;
      if (generation == Watches.GONE) return false;
      try {
        boolean stored = store.connections().call(c -> {
          try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM memokit.cells WHERE id = ? AND state > 0")) {
            q.setLong(1, cellId);
            try (ResultSet r = q.executeQuery()) {
              return r.next();
            }
          }
        });
        if (stored) validatedAt = generation;
        return stored;
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void publishHits(long n, long lastHitMillis) {
      if (n <= 0 || !store.canWrite()) return;
      try {
        store.connections().call(c -> addHits(c, watch.blockId, cellId, n, lastHitMillis));
      } catch (SQLException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: cannot publish hits of " + id.label() + ": " + e);
      }
    }
  }
}
