package io.memokit.storage.postgres;

import io.memokit.storage.StoreBackend;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL store's byte limit, kept in {@code memokit.settings} for every process, and the
 * eviction that keeps the store's cells under it.
 */
final class StoreByteLimit {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final PostgresBackend store;

  StoreByteLimit(PostgresBackend store) {
    this.store = store;
  }

  /** The limit; 0 if none. */
  long limit() {
    try {
      return store.connections().call(StoreByteLimit::limit);
    } catch (SQLException e) {
      throw store.failure("read its byte limit", e);
    }
  }

  private static long limit(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT value FROM memokit.settings WHERE name = 'byte_limit'")) {
      return r.next() ? Math.max(0, r.getLong(1)) : 0;
    }
  }

  /** Sets the limit (0: none) for every process, and enforces it at once; returns how many cells were evicted. */
  int set(long maxBytes) {
    try {
      store.connections().call(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO memokit.settings (name, value) VALUES ('byte_limit', ?) "
            + "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")) {
          p.setLong(1, maxBytes);
          return p.executeUpdate();
        }
      });
    } catch (SQLException e) {
      throw store.failure("set its byte limit", e);
    }
    return enforce();
  }

  /**
   * When the store's cells take more than its limit, evicts the least recently hit finished cells
   * of any block until they take {@value StoreBackend#LIMIT_MARGIN} of it, in one transaction that
   * locks every block's row (in id order, as no other transaction locks two). Returns how many.
   */
  int enforce() {
    store.publishHitsOfEveryBlock();
    List<Long> changed = new ArrayList<>();
    try {
      int evicted = store.connections().transaction(c -> {
        changed.clear(); // a transaction run again starts afresh
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
          lock.setInt(1, Schema.LOCK_CLASS);
          lock.setInt(2, Schema.LOCK_BYTE_LIMIT);
          lock.execute();
        }
        long limit = limit(c);
        if (limit == 0) return 0;
        long total = 0;
        try (Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT bytes FROM memokit.blocks ORDER BY id FOR UPDATE")) {
          while (r.next()) total += r.getLong(1);
        }
        if (total <= limit) return 0;
        long target = (long) (limit * StoreBackend.LIMIT_MARGIN);
        List<Long> victims = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(
            "SELECT id, size FROM memokit.cells WHERE state > 0 ORDER BY last_hit, id")) {
          q.setFetchSize(256);
          try (ResultSet r = q.executeQuery()) {
            while (total > target && r.next()) {
              victims.add(r.getLong(1));
              total -= r.getLong(2);
            }
          }
        }
        if (victims.isEmpty()) return 0;
        Array ids = c.createArrayOf("bigint", victims.toArray());
        try (PreparedStatement d = c.prepareStatement(
            "DELETE FROM memokit.cells WHERE id = ANY(?) AND state > 0 RETURNING block_id")) {
          d.setArray(1, ids);
          try (ResultSet r = d.executeQuery()) {
            while (r.next()) changed.add(r.getLong(1));
          }
        } finally {
          ids.free();
        }
        LOG.log(System.Logger.Level.DEBUG, "memokit: store " + store.location() + " passed its limit of " + limit
            + " bytes; evicted the " + victims.size() + " least recently hit cells");
        return victims.size();
      });
      for (long blockId : new java.util.HashSet<>(changed)) store.watches().refresh(blockId);
      return evicted;
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot keep store " + store.location() + " under its byte limit: " + e);
      return 0;
    }
  }
}
