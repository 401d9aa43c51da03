package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Managing a block: its maxsize (and the eviction of the least recently hit finished cells beyond
 * it), clearing its cells or its errors, and reclaiming computing rows nobody holds. Each change is
 * one transaction that locks the block's row first ({@link BlockSql}'s lock order); this process
 * then reads the block's generation, so that it sees its own removals at once.
 */
final class BlockAdmin {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  /** How long {@link #maxsize()} answers from memory (the cell lifecycle asks it on every hit it remembers). */
  private static final long MAXSIZE_FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final PostgresBackend store;
  private final FunctionId id;
  private final Runnable publishHits;
  /** The block's fill as last seen by a start here: whether the next start may evict (hits are published first). */
  private volatile int knownCells;
  private volatile int knownMaxsize = Integer.MAX_VALUE;
  /** When {@link #maxsize()} last read the maxsize from the server (the store's ticker; 0: never). */
  private volatile long maxsizeReadAt;

  /** {@code publishHits} publishes the hits this process counted in memory (eviction and statistics read them). */
  BlockAdmin(PostgresBackend store, FunctionId id, Runnable publishHits) {
    this.store = store;
    this.id = id;
    this.publishHits = publishHits;
  }

  /** Whether the next cell started here may evict, as far as this process last saw the block's fill. */
  boolean mayEvictNext() {
    return knownCells + 1 >= knownMaxsize;
  }

  /** A start here saw the block hold {@code cells} cells (its new one included) under {@code maxsize}. */
  void filled(int cells, int maxsize) {
    knownCells = cells;
    knownMaxsize = maxsize;
  }

  /** Evicts the {@code n} least recently hit finished cells of the block (its row locked). Returns how many. */
  static int evict(Connection c, long blockId, int n) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.cells WHERE id IN (SELECT id FROM memokit.cells "
        + "WHERE block_id = ? AND state > 0 ORDER BY last_hit, id LIMIT ?)")) {
      d.setLong(1, blockId);
      d.setInt(2, n);
      return d.executeUpdate();
    }
  }

  /**
   * Deletes the computing rows whose claim no session holds (their process died, nobody waited to
   * take them over). Returns how many; 0 for a role that may only read.
   */
  int reclaimOrphans() {
    if (!store.canWrite()) return 0;
    try {
      return store.connections().retrying(c -> { // one statement: the counters count no computing row
        try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.computing c WHERE c.block_id = "
            + BlockSql.ID_OF_IDENTITY + " AND NOT " + BlockSql.LOCK_HELD_BY_ANYONE)) {
          BlockSql.bindIdentity(d, 1, id);
          return d.executeUpdate();
        }
      });
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot reclaim cells of " + id.label() + ": " + e);
      return 0;
    }
  }

  /** Removes every cell (a process computing one then finds it lost). Returns the finished cells removed. */
  int clear() throws IOException {
    return remove("clear " + id.label(), "", NONE, true);
  }

  /** Removes the cells holding a stored exception. Returns how many. */
  int clearErrors() throws IOException {
    return remove("clear the errors of " + id.label(), " AND state = " + BlockSql.ERROR, NONE, false);
  }

  /** The condition of {@link #removal} on the finished cell of one key (hash high, low). */
  static final String FORGET = " AND c.key_hi = ? AND c.key_lo = ? AND " + BlockSql.finished("c");
  /** The condition of {@link #removal} on the finished cells of these numbers (an array). */
  static final String REMOVE_CELLS = " AND c.id = ANY (?) AND " + BlockSql.finished("c");

  /**
   * Deletes the cells {@code c} of a block (its id the first parameter) that meet {@code condition}
   * (parameters from the second); selects how many of them were finished.
   */
  static String removal(String condition) {
    return "WITH gone AS (DELETE FROM memokit.cells c WHERE c.block_id = ?" + condition
        + " RETURNING state) SELECT count(*) FILTER (WHERE state > 0) FROM gone";
  }

  /** Removes the finished cell of {@code key}, if any. Returns whether one was removed. */
  boolean remove(CellKey key) throws IOException {
    return remove("forget a cell of " + id.label(), FORGET, (q, i) -> {
      q.setLong(i, key.hashHi());
      q.setLong(i + 1, key.hashLo());
    }, false) > 0;
  }

  /** Removes the finished cells of these numbers. Returns how many. */
  int removeCells(Set<Long> cellIds) throws IOException {
    return remove("remove cells of " + id.label(), REMOVE_CELLS,
        (q, i) -> q.setArray(i, q.getConnection().createArrayOf("bigint", cellIds.toArray())), false);
  }

  /** Binds the parameters of a removal's condition, from parameter {@code first}. */
  private interface ConditionParameters {
    void bind(PreparedStatement q, int first) throws SQLException;
  }

  /** A condition without parameters. */
  private static final ConditionParameters NONE = (q, i) -> {};

  /** Removes the cells that meet {@code condition}, and every computing row of the block too if {@code computing}. */
  private int remove(String what, String condition, ConditionParameters parameters, boolean computing)
      throws IOException {
    publishHits.run();
    return manage(what, c -> {
      BlockSql.Locked b = BlockSql.lock(c, id, false, store.settings().maxsize());
      if (b == null) return new long[] {0, -1};
      if (computing) BlockSql.removeComputations(c, b.id());
      try (PreparedStatement d = c.prepareStatement(removal(condition))) {
        d.setLong(1, b.id());
        parameters.bind(d, 2);
        try (ResultSet r = d.executeQuery()) {
          r.next();
          return new long[] {r.getInt(1), b.id()};
        }
      }
    });
  }

  /**
   * Runs a management transaction returning how many finished cells it removed and the block's row
   * id; then reads the block's generation, so that this process sees its own removals at once. A
   * missing right is a {@code StoreException} naming it, other failures I/O.
   */
  private int manage(String what, Connections.Work<long[]> work) throws IOException {
    try {
      long[] done = store.connections().transaction(work);
      if (done[0] > 0) store.watches().refresh(done[1]);
      return (int) done[0];
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure(what, e);
      throw SqlErrors.io("cannot " + what + " in store " + store.location(), e);
    }
  }

  /** Sets the block's maxsize, evicting the least recently hit cells beyond it. Returns how many. */
  int resize(int maxsize) throws IOException {
    publishHits.run();
    int evicted = manage("resize " + id.label(), c -> {
      BlockSql.Locked b = BlockSql.lock(c, id, true, store.settings().maxsize());
      try (PreparedStatement u = c.prepareStatement("UPDATE memokit.blocks SET maxsize = ? WHERE id = ?")) {
        u.setInt(1, maxsize);
        u.setLong(2, b.id());
        u.executeUpdate();
      }
      return new long[] {b.cells() > maxsize ? evict(c, b.id(), b.cells() - maxsize) : 0, b.id()};
    });
    knownMaxsize = maxsize;
    return evicted;
  }

  /** The block's maxsize, read from the server at most once a second (a resize here is seen at once). */
  int maxsize() {
    long t = maxsizeReadAt;
    if (t != 0 && store.ticks() - t < MAXSIZE_FRESH_NANOS) return knownMaxsize;
    long began = store.ticks();
    try {
      Integer m = store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement("SELECT b.maxsize FROM memokit.blocks b WHERE " + BlockSql.IDENTITY)) {
          BlockSql.bindIdentity(q, 1, id);
          try (ResultSet r = q.executeQuery()) {
            return r.next() ? r.getInt(1) : null;
          }
        }
      });
      int maxsize = m == null ? store.settings().maxsize() : m;
      knownMaxsize = maxsize;
      maxsizeReadAt = began;
      return maxsize;
    } catch (SQLException e) {
      throw store.failure("read the maxsize of " + id.label(), e);
    }
  }
}
