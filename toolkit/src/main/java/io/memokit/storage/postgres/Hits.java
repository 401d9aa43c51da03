package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Hits on a block's cells: counting them in the store (queued, then one statement for all), and
 * what lets this process answer the next ones from memory ({@link RowPresence}, kept valid by {@link Watches}).
 */
final class Hits {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final PostgresBackend store;
  private final FunctionId id;

  Hits(PostgresBackend store, FunctionId id) {
    this.store = store;
    this.id = id;
  }

  /**
   * Counts a hit on a cell just read (queued, see {@link #flush}); its presence was validated by
   * the read's snapshot, and {@link Watches} tells this process within its bound if it goes.
   */
  Presence hit(StoredCell cell) {
    CellReads.Whereabouts w = (CellReads.Whereabouts) cell.whereabouts();
    queue(w.cellId(), 1, store.settings().clockMillis().getAsLong());
    if (System.nanoTime() - lastFlush > FLUSH_NANOS) flush(); // first hits alone publish too
    return presence(w.blockId(), w.cellId(), w.generation(), w.readAt());
  }

  /** Hits not yet written: cell id, count, last hit (epoch ms). */
  private final java.util.concurrent.ConcurrentLinkedQueue<long[]> queued = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private static final long FLUSH_NANOS = 100_000_000L;
  private volatile long lastFlush = System.nanoTime();
  private volatile long blockId = -1;

  private void queue(long cellId, long n, long lastHit) {
    if (n > 0 && store.canWrite()) queued.add(new long[] {cellId, n, lastHit});
  }

  /**
   * Writes the queued hits in one statement and one transaction (a statement and a commit per cell,
   * each hit publication of every process, saturated the server: 4 processes made fewer calls than
   * 1). Hits of cells removed meanwhile count in their block's hits of removed cells.
   */
  void flush() {
    lastFlush = System.nanoTime();
    long block = blockId;
    if (queued.isEmpty() || block < 0) return;
    // Sorted by cell: the flushes of every process lock the rows they count in the same order,
    // so two flushes at worst wait for each other, never deadlock.
    java.util.Map<Long, long[]> byCell = new java.util.TreeMap<>();
    long[] q;
    while ((q = queued.poll()) != null) {
      long[] seen = byCell.putIfAbsent(q[0], q);
      if (seen != null) {
        seen[1] += q[1];
        seen[2] = Math.max(seen[2], q[2]);
      }
    }
    Long[] ids = new Long[byCell.size()];
    Long[] counts = new Long[ids.length];
    Long[] lasts = new Long[ids.length];
    int i = 0;
    for (long[] h : byCell.values()) {
      ids[i] = h[0];
      counts[i] = h[1];
      lasts[i++] = h[2];
    }
    try {
      store.connections().call(c -> {
        try (PreparedStatement u = c.prepareStatement("WITH v AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], "
            + "?::bigint[]) AS v(id, n, last)), "
            + "hit AS (UPDATE memokit.cells c SET hits = c.hits + v.n, last_hit = GREATEST(c.last_hit, v.last) "
            + "FROM v WHERE c.id = v.id AND c.state > 0 RETURNING v.n), "
            + "gone AS (UPDATE memokit.blocks SET removed_hits = removed_hits + (SELECT sum(n) FROM v) "
            + "- coalesce((SELECT sum(n) FROM hit), 0) WHERE id = ? "
            + "AND (SELECT sum(n) FROM v) > coalesce((SELECT sum(n) FROM hit), 0) RETURNING id) "
            + "SELECT (SELECT count(*) FROM hit), (SELECT count(*) FROM gone)")) {
          u.setArray(1, c.createArrayOf("bigint", ids));
          u.setArray(2, c.createArrayOf("bigint", counts));
          u.setArray(3, c.createArrayOf("bigint", lasts));
          u.setLong(4, block);
          try (ResultSet r = u.executeQuery()) {
            r.next();
          }
        }
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cannot publish hits of " + id.label() + ": " + e);
    }
  }

  /** What lets this process answer hits of cell {@code cellId} from memory: it was stored at {@code generation}, read at {@code readAt}. */
  Presence presence(long blockId, long cellId, long generation, long readAt) {
    this.blockId = blockId;
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
      queue(cellId, n, lastHitMillis); // written by flush, at the end of the round (hitsPublished)
    }
  }
}
