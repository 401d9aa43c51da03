package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import io.memokit.function.KeyText;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Provenance;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A block's statistics and its cells' (never their values), as every process sees them: the hits
 * this process counted in memory are published first, and computing rows nobody holds any more are
 * reclaimed, so that they do not show as computing.
 */
final class BlockStatistics {

  private final PostgresBackend store;
  private final FunctionId id;
  private final Runnable publishHits;
  private final BlockAdmin admin;

  BlockStatistics(PostgresBackend store, FunctionId id, Runnable publishHits, BlockAdmin admin) {
    this.store = store;
    this.id = id;
    this.publishHits = publishHits;
    this.admin = admin;
  }

  BlockStatus status() {
    publishHits.run();
    admin.reclaimOrphans();
    try {
      BlockStatus s = store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement(STATUS)) {
          BlockSql.bindIdentity(q, 1, id);
          try (ResultSet r = q.executeQuery()) {
            if (!r.next()) return null;
            return new BlockStatus(r.getLong(1), r.getLong(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6),
                r.getLong(7));
          }
        }
      });
      return s != null ? s : new BlockStatus(0, 0, store.settings().maxsize(), 0, 0, 0, 0);
    } catch (SQLException e) {
      throw store.failure("read the statistics of " + id.label(), e);
    }
  }

  List<CellStatus> cells() {
    return cells(false);
  }

  /**
   * As {@link #cells()}, with each finished cell's arguments in words and provenance when
   * {@code details} (a row stored before schema version 4 has none: unknown).
   */
  List<CellStatus> cells(boolean details) {
    publishHits.run();
    admin.reclaimOrphans();
    try {
      return store.connections().call(c -> {
        List<CellStatus> list = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(cellsSql(details))) {
          BlockSql.bindIdentity(q, BlockSql.bindIdentity(q, 1, id), id);
          try (ResultSet r = q.executeQuery()) {
            while (r.next()) {
              int state = r.getInt(2);
              CellStatus.State s = state == BlockSql.COMPUTING ? CellStatus.State.COMPUTING
                  : state == BlockSql.ERROR ? CellStatus.State.ERROR : CellStatus.State.VALUE;
              boolean finishedDetails = details && state != BlockSql.COMPUTING;
              String words = finishedDetails ? KeyText.arguments(r.getBytes(11), r.getLong(9), r.getLong(10)) : null;
              list.add(new CellStatus(r.getLong(1), s, r.getLong(3), r.getLong(4), r.getLong(5),
                  state == BlockSql.COMPUTING ? 0 : r.getLong(6), r.getLong(7), r.getLong(8), words,
                  finishedDetails ? provenance(r, 12) : Provenance.UNKNOWN));
            }
          }
        }
        return list;
      });
    } catch (SQLException e) {
      throw store.failure("list the cells of " + id.label(), e);
    }
  }

  /** A cell's provenance columns ({@link Schema#PROVENANCE}), as {@link #provenance} reads them. */
  private static final String PROVENANCE = "c.written_by, c.written_host, c.written_pid, c.written_at, c.written_jdk, "
      + "c.written_memokit, c.written_code";

  /** The block's counters, its cells and computations counted, and its finished cells' bytes; bind its identity. */
  static final String STATUS = "SELECT b.removed_hits + coalesce(sum(c.hits), 0), b.misses, b.maxsize, "
      + "count(c.id) + k.n, count(c.id) FILTER (WHERE c.state = 2), k.n, coalesce(sum(c.size) FILTER (WHERE c.state > 0), 0) "
      + "FROM memokit.blocks b LEFT JOIN memokit.cells c ON c.block_id = b.id CROSS JOIN LATERAL "
      + "(SELECT count(*)::integer AS n FROM memokit.computing w WHERE w.block_id = b.id) k WHERE b.id = "
      + BlockSql.ID_OF_IDENTITY + " GROUP BY b.id, k.n";

  /** The block's cells, finished then computing, by number; bind its identity twice. */
  static String cellsSql(boolean details) {
    return "SELECT c.id, c.state::integer, c.created, c.last_hit, c.hits, c.size, c.cpu_nanos, c.wall_nanos, c.key_hi, "
        + "c.key_lo, " + (details ? "c.key, " + PROVENANCE : "NULL") + " FROM memokit.cells c WHERE c.block_id = "
        + BlockSql.ID_OF_IDENTITY + " UNION ALL SELECT w.id, " + BlockSql.COMPUTING + ", w.created, w.created, 0, 0, 0, "
        + "0, w.key_hi, w.key_lo, " + (details ? "NULL::bytea, " + NO_PROVENANCE : "NULL")
        + " FROM memokit.computing w WHERE w.block_id = " + BlockSql.ID_OF_IDENTITY + " ORDER BY 1";
  }

  /** The columns of {@link #PROVENANCE} for a computing row: none. */
  private static final String NO_PROVENANCE = "NULL::text, NULL::text, NULL::bigint, NULL::bigint, NULL::text, "
      + "NULL::text, NULL::text";

  /** The provenance in the columns of {@link #PROVENANCE} from column {@code from}; unknown in a row stored before them. */
  private static Provenance provenance(ResultSet r, int from) throws SQLException {
    if (r.getString(from) == null) return Provenance.UNKNOWN;
    return new Provenance(r.getString(from), "", r.getString(from + 1), r.getLong(from + 2), r.getLong(from + 3),
        r.getString(from + 4), r.getString(from + 5), r.getString(from + 6));
  }
}
