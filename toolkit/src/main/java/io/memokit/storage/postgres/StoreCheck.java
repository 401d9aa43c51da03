package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code check(fix)} of a PostgreSQL store: the schema's version row; for every block, its counters
 * against its cells, computing cells whose claim no session holds (left by a process that died),
 * and every finished cell's payload against its checksum; chunks that belong to no finished cell.
 * Without {@code fix}, all is read in one snapshot and nothing is changed; with it, each block is
 * checked and repaired in a transaction that holds its row.
 */
final class StoreCheck {

  private static final String ROW_BY_ID = "SELECT c.block_id, c.id, c.state, c.codec, c.flags, c.length, c.crc, c.key, "
      + "c.payload, c.chunks, c.token, b.generation FROM memokit.cells c JOIN memokit.blocks b ON b.id = c.block_id "
      + "WHERE c.id = ?";

  private StoreCheck() {}

  private record Block(long id, String label, int cells, long bytes) {}

  static List<String> run(PostgresBackend store, boolean fix) throws SQLException {
    List<String> problems = new ArrayList<>();
    Connections connections = store.connections();
    if (!fix) {
      connections.call(c -> CellReads.snapshot(c, () -> {
        checkVersion(c, problems, false);
        for (Block b : blocks(c)) checkBlock(c, b, problems, false);
        checkChunks(c, problems, false);
        return null;
      }));
      return problems;
    }
    connections.transaction(c -> {
      checkVersion(c, problems, true);
      return null;
    });
    for (Block listed : connections.call(StoreCheck::blocks)) {
      connections.transaction(c -> {
        try (PreparedStatement lock = c.prepareStatement("SELECT cells, bytes FROM memokit.blocks WHERE id = ? FOR UPDATE")) {
          lock.setLong(1, listed.id());
          try (ResultSet r = lock.executeQuery()) {
            if (!r.next()) return null; // removed meanwhile
            checkBlock(c, new Block(listed.id(), listed.label(), r.getInt(1), r.getLong(2)), problems, true);
          }
        }
        return null;
      });
    }
    connections.transaction(c -> {
      checkChunks(c, problems, true);
      return null;
    });
    return problems;
  }

  private static void checkVersion(Connection c, List<String> problems, boolean fix) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT count(*), min(version), max(version) FROM memokit.schema_version")) {
      r.next();
      if (r.getInt(1) == 1 && r.getInt(2) == Schema.VERSION) {
        checkRoutines(c, problems, fix);
        return;
      }
      problems.add("memokit.schema_version holds " + r.getInt(1) + " rows (versions " + r.getInt(2) + " to "
          + r.getInt(3) + "), not one row of version " + Schema.VERSION + (fix ? " (rewritten)" : ""));
    }
    if (fix) {
      try (Statement st = c.createStatement()) {
        for (String sql : Schema.sinceVersion1()) st.execute(sql); // what the recorded version may lack
        st.executeUpdate("DELETE FROM memokit.schema_version");
        st.executeUpdate("INSERT INTO memokit.schema_version (version, written_by) VALUES (" + Schema.VERSION
            + ", 'memokit check')");
      }
    }
  }

  /** The routines of {@link Schema#routines}: a miss cannot start or store a cell without them. */
  private static void checkRoutines(Connection c, List<String> problems, boolean fix) throws SQLException {
    List<String> missing = new ArrayList<>(List.of("claim_cell", "start_cell", "complete_cell", "give_back_cell_id"));
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT p.proname FROM pg_catalog.pg_proc p "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'memokit'")) {
      while (r.next()) missing.remove(r.getString(1));
    }
    if (missing.isEmpty()) return;
    problems.add("routines missing from schema memokit: " + String.join(", ", missing) + (fix ? " (created)" : ""));
    if (fix) {
      try (Statement st = c.createStatement()) {
        for (String sql : Schema.sinceVersion1()) st.execute(sql);
      }
    }
  }

  private static List<Block> blocks(Connection c) throws SQLException {
    List<Block> blocks = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT id, name, version, code, arity, cells, bytes FROM memokit.blocks ORDER BY id")) {
      while (r.next()) {
        String label;
        try {
          label = new FunctionId(r.getString(2), r.getString(3), r.getString(4), r.getInt(5)).label();
        } catch (IllegalArgumentException e) {
          label = "block " + r.getLong(1) + " (" + r.getString(2) + ")";
        }
        blocks.add(new Block(r.getLong(1), label, r.getInt(6), r.getLong(7)));
      }
    }
    return blocks;
  }

  private static void checkBlock(Connection c, Block b, List<String> problems, boolean fix) throws SQLException {
    List<Long> orphans = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement("SELECT c.id FROM memokit.computing c WHERE c.block_id = ? "
        + "AND NOT " + BlockSql.LOCK_HELD_BY_ANYONE + " ORDER BY c.id")) {
      q.setLong(1, b.id());
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) orphans.add(r.getLong(1));
      }
    }
    for (long id : orphans) {
      problems.add(b.label() + ": cell " + id + " was left computing by a process that died" + (fix ? " (removed)" : ""));
      if (fix) delete(c, "computing", id);
    }
    List<Long> finished = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT id FROM memokit.cells WHERE block_id = ? AND state > 0 ORDER BY id")) {
      q.setLong(1, b.id());
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) finished.add(r.getLong(1));
      }
    }
    for (long id : finished) {
      String wrong = damage(c, id);
      if (wrong == null) continue;
      problems.add(b.label() + ": cell " + id + " is damaged (" + wrong + ")" + (fix ? " (removed)" : ""));
      if (fix) delete(c, "cells", id);
    }
    try (PreparedStatement q = c.prepareStatement("SELECT b.cells, b.bytes, (SELECT count(*) FROM memokit.cells c "
        + "WHERE c.block_id = b.id), (SELECT coalesce(sum(size), 0) FROM memokit.cells c WHERE c.block_id = b.id "
        + "AND c.state > 0) FROM memokit.blocks b WHERE b.id = ?")) {
      q.setLong(1, b.id());
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) return;
        int countedCells = r.getInt(1);
        long countedBytes = r.getLong(2);
        int cells = r.getInt(3);
        long bytes = r.getLong(4);
        if (countedCells == cells && countedBytes == bytes) return;
        problems.add(b.label() + ": the block counts " + countedCells + " cells of " + countedBytes + " bytes, it holds "
            + cells + " of " + bytes + (fix ? " (counts healed)" : ""));
        if (!fix) return;
        try (PreparedStatement u = c.prepareStatement("UPDATE memokit.blocks SET cells = ?, bytes = ? WHERE id = ?")) {
          u.setInt(1, cells);
          u.setLong(2, bytes);
          u.setLong(3, b.id());
          u.executeUpdate();
        }
      }
    }
  }

  /** What is wrong with finished cell {@code id}'s stored payload; {@code null} if it is whole. */
  private static String damage(Connection c, long id) throws SQLException {
    CellReads.Row row;
    try (PreparedStatement q = c.prepareStatement(ROW_BY_ID)) {
      Payloads.binary(q);
      q.setLong(1, id);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) return null;
        row = CellReads.row(r);
      }
    }
    try {
      CellReads.verify(c, row);
      return null;
    } catch (Payloads.Damaged d) {
      return d.getMessage();
    }
  }

  /** Deletes row {@code id} of {@code memokit.}{@code table}. */
  private static void delete(Connection c, String table, long id) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit." + table + " WHERE id = ?")) {
      d.setLong(1, id);
      d.executeUpdate();
    }
  }

  private static void checkChunks(Connection c, List<String> problems, boolean fix) throws SQLException {
    String orphan = "FROM memokit.chunks k WHERE NOT EXISTS (SELECT 1 FROM memokit.cells c WHERE c.token = k.token "
        + "AND c.state > 0 AND c.chunks > 0)";
    try (Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT count(*), count(DISTINCT token) " + orphan)) {
      r.next();
      if (r.getLong(1) == 0) return;
      problems.add(r.getLong(1) + " chunks of " + r.getLong(2) + " payloads belong to no cell" + (fix ? " (removed)" : ""));
    }
    if (fix) {
      try (Statement st = c.createStatement()) {
        st.executeUpdate("DELETE " + orphan);
      }
    }
  }
}
