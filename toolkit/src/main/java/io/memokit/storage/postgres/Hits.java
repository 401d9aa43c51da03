package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import io.memokit.storage.GenerationPresence;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Hits on a block's cells: counting them in the store, and what lets this process answer the next
 * ones from memory ({@link RowPresence}, kept valid by {@link Watches}).
 *
 * <p><b>Counting.</b> Hits are queued in this process and written by {@link #flush}: in one
 * statement for every cell of the block, at most every {@value #PERIOD_MILLIS} ms on the periodic
 * rounds, and at once before statistics are read, before this process evicts, and at the JVM's
 * exit. (A statement and a commit per cell and round, 2,000 hot cells a process, saturated the
 * server: 4 processes made fewer calls than 1.) A flush that fails puts its hits back in the queue
 * for the next one: a count is never dropped while the process lives. The statement locks only the
 * cells' rows, never the block's, so a flush and an eviction (block row, then one cell's) cannot
 * wait for each other in a cycle; hits of cells removed meanwhile go to their block's hits of
 * removed cells in a second statement.
 */
final class Hits {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  /** Periodic rounds write at most this often: other processes see a hit's count and recency within about this. */
  static final long PERIOD_MILLIS = 1000;
  private static final long PERIOD_NANOS = PERIOD_MILLIS * 1_000_000L;

  private final PostgresBackend store;
  private final FunctionId id;
  /** Hits not yet written: {block id, cell id, count, last hit (epoch ms)}. */
  private final ConcurrentLinkedQueue<long[]> queued = new ConcurrentLinkedQueue<>();
  /** One flush at a time: one asked for at exit waits for a periodic one under way, rather than ending it. */
  private final Object flushing = new Object();
  private long lastFlush;

  Hits(PostgresBackend store, FunctionId id) {
    this.store = store;
    this.lastFlush = store.ticks();
    this.id = id;
  }

  /**
   * Counts a hit on a cell just read (queued: the caller's next round writes it); its presence was
   * validated by the read's snapshot, and {@link Watches} tells this process within its bound if it goes.
   */
  Presence hit(StoredCell cell) {
    if (!(cell instanceof CellReads.RowCell w)) throw new IllegalArgumentException("not a cell of this store: " + cell);
    queue(w.blockId(), w.cellId(), 1, store.settings().clockMillis().getAsLong());
    return presence(w.blockId(), w.cellId(), w.generation(), w.readAt());
  }

  private void queue(long blockId, long cellId, long n, long lastHit) {
    if (n > 0 && store.canWrite()) queued.add(new long[] {blockId, cellId, n, lastHit});
  }

  /**
   * Writes the queued hits; a {@code periodic} round only if the last write was
   * {@value #PERIOD_MILLIS} ms ago or more. Returns whether hits are still queued.
   */
  boolean flush(boolean periodic) {
    synchronized (flushing) {
      if (queued.isEmpty()) return false;
      if (periodic && store.ticks() - lastFlush < PERIOD_NANOS) return true;
      lastFlush = store.ticks();
      Map<Long, long[]> byCell = new TreeMap<>(); // in cell order: flushes of every process lock rows alike
      long[] q;
      while ((q = queued.poll()) != null) {
        long[] seen = byCell.putIfAbsent(q[1], q);
        if (seen != null) {
          seen[2] += q[2];
          seen[3] = Math.max(seen[3], q[3]);
        }
      }
      try {
        for (long counted : store.connections().call(c -> countOnCells(c, byCell.values()))) byCell.remove(counted);
        if (!byCell.isEmpty()) store.connections().call(c -> countAsRemoved(c, byCell.values()));
      } catch (SQLException | RuntimeException e) {
        queued.addAll(byCell.values()); // the next flush tries again
        LOG.log(System.Logger.Level.DEBUG, "memokit: cannot write hit counts of " + id.label() + " yet: " + e);
      }
      return !queued.isEmpty();
    }
  }

  /** Adds hit counts and last-hit times (three arrays: cell numbers, counts, times) to the cells still stored. */
  static final String COUNT_ON_CELLS = "UPDATE memokit.cells c SET hits = c.hits + v.n, "
      + "last_hit = GREATEST(c.last_hit, v.last) FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) AS v(id, n, last) "
      + "WHERE c.id = v.id AND " + BlockSql.finished("c") + " RETURNING c.id";
  /** Whether the store still holds the finished cell of this number. */
  static final String HOLDS_CELL = "SELECT 1 FROM memokit.cells c WHERE c.id = ? AND " + BlockSql.finished("c");

  /** Adds the hits to the cells still stored; returns the ids of those cells. One statement. */
  private static List<Long> countOnCells(Connection c, Collection<long[]> hits) throws SQLException {
    try (PreparedStatement u = c.prepareStatement(COUNT_ON_CELLS)) {
      u.setArray(1, c.createArrayOf("bigint", column(hits, 1)));
      u.setArray(2, c.createArrayOf("bigint", column(hits, 2)));
      u.setArray(3, c.createArrayOf("bigint", column(hits, 3)));
      List<Long> counted = new ArrayList<>(hits.size());
      try (ResultSet r = u.executeQuery()) {
        while (r.next()) counted.add(r.getLong(1));
      }
      return counted;
    }
  }

  /** Adds hits of cells removed since they were read to their blocks' hits of removed cells (as the directory store counts them). */
  private static Void countAsRemoved(Connection c, Collection<long[]> hits) throws SQLException {
    try (PreparedStatement u = c.prepareStatement("UPDATE memokit.blocks b SET removed_hits = b.removed_hits + v.n "
        + "FROM (SELECT block, sum(n) AS n FROM unnest(?::bigint[], ?::bigint[]) AS h(block, n) GROUP BY block) v "
        + "WHERE b.id = v.block")) {
      u.setArray(1, c.createArrayOf("bigint", column(hits, 0)));
      u.setArray(2, c.createArrayOf("bigint", column(hits, 2)));
      u.executeUpdate();
    }
    return null;
  }

  private static Long[] column(Collection<long[]> rows, int i) {
    Long[] column = new Long[rows.size()];
    int k = 0;
    for (long[] row : rows) column[k++] = row[i];
    return column;
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
  private final class RowPresence extends GenerationPresence {
    private final Watches.Watch watch;

    RowPresence(Watches.Watch watch, long cellId, long generation) {
      super(cellId, generation);
      this.watch = watch;
    }

    @Override
    protected long generation() {
      if (!store.watches().current(watch)) return UNKNOWN;
      long generation = watch.generation;
      return generation == Watches.GONE ? UNKNOWN : generation;
    }

    @Override
    protected boolean holdsCell() {
      try {
        return store.connections().call(c -> {
          try (PreparedStatement q = c.prepareStatement(HOLDS_CELL)) {
            q.setLong(1, cellId());
            try (ResultSet r = q.executeQuery()) {
              return r.next();
            }
          }
        });
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void publishHits(long n, long lastHitMillis) {
      queue(watch.blockId, cellId(), n, lastHitMillis); // written by flush, at the end of the round (flushHits)
    }
  }
}
