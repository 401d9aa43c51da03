package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What every part of a block shares in SQL: how a block's row is found by identity, created and
 * locked, the states of a cell's row, and how a statement asks whether a session holds a claim.
 *
 * <p><b>Lock order.</b> Every transaction that adds, finishes or removes cells locks the block's
 * row first ({@link #lock}, {@code FOR UPDATE}), then the cells' rows: the triggers that keep the
 * block's counters update that row, and taking it first keeps two transactions from waiting for each
 * other. Hits update only their cell's row, in their own statement.
 */
final class BlockSql {

  private BlockSql() {}

  /** The block's row found by identity, as {@code b}: bind with {@link #bindIdentity}. */
  static final String IDENTITY = "b.name = ? AND b.version = ? AND b.code = ? AND b.arity = ?";
  /**
   * The block's id found by identity, as a value ({@code NULL} if the block has no row): bind with
   * {@link #bindIdentity}. A statement that reads a block's cells (or computations) compares their
   * block's id with it, rather than joining the block's row by identity: the server finds the id first
   * (an init plan), so the block's id is in the index condition of the cells' read whatever statistics
   * the statement was planned with. Joined by identity, a plan made while a store is small (not yet
   * analysed) scans {@code cells_pkey} by the key's hash alone, the block's id a join filter: every
   * block's cells read at each execution, for as long as a session keeps the plan. (Its {@code b}
   * is its own: inside the subquery it hides a {@code b} of the statement around it.)
   */
  static final String ID_OF_IDENTITY = "(SELECT b.id FROM memokit.blocks b WHERE " + IDENTITY + ")";
  static final int COMPUTING = 0;
  static final int VALUE = 1;
  static final int ERROR = 2;
  /** Whether a session holds the advisory lock {@code c.lock_key}. */
  static final String LOCK_HELD_BY_ANYONE = "EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory'"
      + " AND l.granted AND l.objsubid = 1 AND l.classid::bigint = ((c.lock_key >> 32) & 4294967295)"
      + " AND l.objid::bigint = (c.lock_key & 4294967295)"
      + " AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))";
  /**
   * The test that row {@code row} is finished (a value or an error), for a statement that finds one
   * row by its key or its number. Not {@code state > 0}: the two last-hit indexes hold only the rows
   * that pass that test, so a plan made while a store is small may read one of them whole to find one
   * row, and a session keeps such a plan while the store grows (a routine until the tables are
   * analysed, a prepared statement for its session's life): each read would then scan every
   * finished cell. No index is limited to the rows this test passes, so the row is found by its key
   * or its number whatever statistics the plan was made with. Statements that walk cells in last-hit
   * order test {@code state > 0}, to use those indexes.
   */
  static String finished(String row) {
    return row + ".state <> " + COMPUTING;
  }

  /** A block's row as a transaction locked it. */
  record Locked(long id, int maxsize, int cells) {}

  static int bindIdentity(PreparedStatement p, int i, FunctionId id) throws SQLException {
    p.setString(i, id.name());
    p.setString(i + 1, id.version());
    p.setString(i + 2, id.code());
    p.setInt(i + 3, id.arity());
    return i + 4;
  }

  /** Creates {@code id}'s row with {@code maxsize} unless it exists. */
  static void insert(Connection c, FunctionId id, int maxsize) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO memokit.blocks (name, version, code, arity, maxsize) "
        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, version, code, arity) DO NOTHING")) {
      bindIdentity(p, 1, id);
      p.setInt(5, maxsize);
      p.executeUpdate();
    }
  }

  /**
   * {@code id}'s row, locked for this transaction; created (with {@code maxsize}) if {@code create}.
   * {@code null} if there is none and {@code create} is false.
   */
  static Locked lock(Connection c, FunctionId id, boolean create, int maxsize) throws SQLException {
    for (int attempt = 0; attempt < 2; attempt++) {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT b.id, b.maxsize, b.cells FROM memokit.blocks b WHERE " + IDENTITY + " FOR UPDATE")) {
        bindIdentity(p, 1, id);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) return new Locked(r.getLong(1), r.getInt(2), r.getInt(3));
        }
      }
      if (!create) return null;
      insert(c, id, maxsize);
    }
    throw new SQLException("block " + id.label() + " vanished while it was being created");
  }

  /**
   * Deletes every computation in progress of block {@code blockId} (its row locked by the caller,
   * which removes the block or clears it): each finds its result lost.
   */
  static void removeComputations(Connection c, long blockId) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.computing WHERE block_id = ?")) {
      d.setLong(1, blockId);
      d.executeUpdate();
    }
  }

  /** Locks the block row {@code blockId} for this transaction; {@code false} if it no longer exists. */
  static boolean lockById(Connection c, long blockId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM memokit.blocks WHERE id = ? FOR UPDATE")) {
      p.setLong(1, blockId);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }
}
