package io.memokit.storage.postgres;

import io.memokit.storage.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's schema, {@code memokit}, created on first use and versioned in
 * {@code memokit.schema_version}:
 * <pre>
 *   blocks          one row per function identity: maxsize, misses, hits of removed cells, and the
 *                   counters the triggers keep (cells, bytes, generation)
 *   cells           one row per cell of a block and key hash: state, payload (inline) or chunk
 *                   count, CRC32C, statistics, the computing process and its claim's token
 *   chunks          payloads above {@link Payloads#INLINE_MAX}, in chunks of {@link Payloads#CHUNK}
 *                   bytes, keyed by the token of the computation that wrote them
 *   waits           the wait board ({@link PostgresWaitBoard})
 *   settings        store-wide values (the byte limit)
 *   cell_ids        the store's cell numbers; tokens: one per computation (fencing)
 * </pre>
 * Triggers on {@code cells} keep each block's counters and generation, and delete the chunks of a
 * removed cell, in the transaction that changes the cell, whoever changes it: an administrator's
 * {@code DELETE} invalidates what processes remember as a clear would.
 */
final class Schema {

  /** The version this memokit writes and reads. */
  static final int VERSION = 1;
  static final String NAME = "memokit";
  /** Class id of memokit's own two-key advisory locks (cell claims use one 64-bit key, so never collide). */
  static final int LOCK_CLASS = 0x4D4B5047; // "MKPG"
  static final int LOCK_SCHEMA = 1;
  static final int LOCK_BYTE_LIMIT = 2;

  private Schema() {}

  /** The statements that create version 1, in order. */
  static List<String> create() {
    List<String> s = new ArrayList<>();
    s.add("CREATE SCHEMA IF NOT EXISTS memokit");
    s.add("CREATE TABLE memokit.schema_version (version integer NOT NULL, written_by text NOT NULL, "
        + "created timestamptz NOT NULL DEFAULT now())");
    s.add("CREATE SEQUENCE memokit.cell_ids");
    s.add("CREATE SEQUENCE memokit.tokens");
    s.add("CREATE TABLE memokit.settings (name text PRIMARY KEY, value bigint NOT NULL)");
    s.add("CREATE TABLE memokit.blocks ("
        + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        + " name text NOT NULL, version text NOT NULL, code text NOT NULL, arity integer NOT NULL,"
        + " maxsize integer NOT NULL CHECK (maxsize >= 1),"
        + " misses bigint NOT NULL DEFAULT 0,"
        + " removed_hits bigint NOT NULL DEFAULT 0,"
        + " cells integer NOT NULL DEFAULT 0,"
        + " bytes bigint NOT NULL DEFAULT 0,"
        + " generation bigint NOT NULL DEFAULT 0,"
        + " UNIQUE (name, version, code, arity))");
    s.add("CREATE TABLE memokit.cells ("
        + " block_id bigint NOT NULL REFERENCES memokit.blocks ON DELETE CASCADE,"
        + " key_hi bigint NOT NULL, key_lo bigint NOT NULL,"
        + " id bigint NOT NULL UNIQUE,"
        + " state smallint NOT NULL CHECK (state IN (0, 1, 2)),"
        + " token bigint NOT NULL UNIQUE,"
        + " lock_key bigint NOT NULL,"
        + " key bytea, dependencies text[],"
        + " codec smallint NOT NULL DEFAULT 0, flags integer NOT NULL DEFAULT 0,"
        + " length bigint NOT NULL DEFAULT 0, size bigint NOT NULL DEFAULT 0, crc integer NOT NULL DEFAULT 0,"
        + " payload bytea, chunks integer NOT NULL DEFAULT 0,"
        + " created bigint NOT NULL, last_hit bigint NOT NULL, hits bigint NOT NULL DEFAULT 0,"
        + " cpu_nanos bigint NOT NULL DEFAULT 0, wall_nanos bigint NOT NULL DEFAULT 0,"
        + " holder_pid bigint, holder_host text, holder_host_hash integer, holder_backend integer,"
        + " PRIMARY KEY (block_id, key_hi, key_lo))");
    s.add("CREATE INDEX cells_block_lru ON memokit.cells (block_id, last_hit, id) WHERE state > 0");
    s.add("CREATE INDEX cells_store_lru ON memokit.cells (last_hit, id) WHERE state > 0");
    s.add("CREATE TABLE memokit.chunks (token bigint NOT NULL, seq integer NOT NULL, data bytea NOT NULL, "
        + "PRIMARY KEY (token, seq))");
    s.add("CREATE TABLE memokit.waits (host_hash integer NOT NULL, pid bigint NOT NULL, thread_id bigint NOT NULL, "
        + "entry text NOT NULL, updated timestamptz NOT NULL DEFAULT clock_timestamp(), "
        + "PRIMARY KEY (host_hash, pid, thread_id))");
    // The counters of a block follow its cells in the same transaction. Row triggers for inserts and
    // for the updates that change what a row holds (hit counts do not fire it: WHEN); a statement
    // trigger for deletes, so that clearing 10,000 cells updates the block once.
    s.add("CREATE FUNCTION memokit.cells_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " UPDATE memokit.blocks SET cells = cells + 1,"
        + "   bytes = bytes + CASE WHEN NEW.state > 0 THEN NEW.size ELSE 0 END WHERE id = NEW.block_id;"
        + " RETURN NULL; END $$");
    s.add("CREATE TRIGGER cells_inserted AFTER INSERT ON memokit.cells FOR EACH ROW "
        + "EXECUTE FUNCTION memokit.cells_inserted()");
    s.add("CREATE FUNCTION memokit.cells_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.block_id = OLD.block_id THEN"
        + "   UPDATE memokit.blocks SET bytes = bytes - CASE WHEN OLD.state > 0 THEN OLD.size ELSE 0 END"
        + "     + CASE WHEN NEW.state > 0 THEN NEW.size ELSE 0 END,"
        + "     generation = generation + CASE WHEN OLD.state > 0 AND (NEW.state = 0 OR NEW.id <> OLD.id)"
        + "     THEN 1 ELSE 0 END"
        + "   WHERE id = NEW.block_id;"
        + " ELSE"
        + "   UPDATE memokit.blocks SET cells = cells - 1, bytes = bytes - CASE WHEN OLD.state > 0 THEN OLD.size"
        + "     ELSE 0 END, generation = generation + 1 WHERE id = OLD.block_id;"
        + "   UPDATE memokit.blocks SET cells = cells + 1, bytes = bytes + CASE WHEN NEW.state > 0 THEN NEW.size"
        + "     ELSE 0 END WHERE id = NEW.block_id;"
        + " END IF;"
        + " IF NEW.token <> OLD.token THEN DELETE FROM memokit.chunks WHERE token = OLD.token; END IF;"
        + " RETURN NULL; END $$");
    s.add("CREATE TRIGGER cells_updated AFTER UPDATE ON memokit.cells FOR EACH ROW"
        + " WHEN (OLD.state <> NEW.state OR OLD.size <> NEW.size OR OLD.id <> NEW.id OR OLD.token <> NEW.token"
        + " OR OLD.block_id <> NEW.block_id)"
        + " EXECUTE FUNCTION memokit.cells_updated()");
    s.add("CREATE FUNCTION memokit.cells_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " UPDATE memokit.blocks b SET cells = b.cells - d.n, bytes = b.bytes - d.bytes,"
        + "   removed_hits = b.removed_hits + d.hits,"
        + "   generation = b.generation + CASE WHEN d.finished > 0 THEN 1 ELSE 0 END"
        + " FROM (SELECT block_id, count(*) AS n, count(*) FILTER (WHERE state > 0) AS finished,"
        + "   coalesce(sum(size) FILTER (WHERE state > 0), 0) AS bytes, coalesce(sum(hits), 0) AS hits"
        + "   FROM gone GROUP BY block_id) d"
        + " WHERE b.id = d.block_id;"
        + " DELETE FROM memokit.chunks c USING gone g WHERE c.token = g.token AND g.chunks > 0;"
        + " RETURN NULL; END $$");
    s.add("CREATE TRIGGER cells_deleted AFTER DELETE ON memokit.cells REFERENCING OLD TABLE AS gone"
        + " FOR EACH STATEMENT EXECUTE FUNCTION memokit.cells_deleted()");
    return s;
  }

  /**
   * Checks the schema's version, creating the schema if the database has none (once, under an
   * advisory lock, so that processes opening a new store at once create it once). Refuses a newer
   * version, and a role that may neither read an existing schema nor create a missing one, naming
   * the right it lacks.
   */
  static void ensure(Connection c, String store) throws SQLException {
    Integer version = version(c, store);
    if (version == null) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
          lock.setInt(1, LOCK_CLASS);
          lock.setInt(2, LOCK_SCHEMA);
          lock.execute();
        }
        version = version(c, store);
        if (version == null) {
          try (Statement st = c.createStatement()) {
            for (String sql : create()) st.execute(sql);
          }
          try (PreparedStatement ins = c.prepareStatement(
              "INSERT INTO memokit.schema_version (version, written_by) VALUES (?, ?)")) {
            ins.setInt(1, VERSION);
            ins.setString(2, "memokit " + memokitVersion());
            ins.execute();
          }
          version = VERSION;
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if (SqlErrors.isPrivilege(e)) {
          throw new StoreException("store " + store + ": the database has no memokit schema yet, and role "
              + currentUser(c) + " cannot create it (" + e.getMessage() + "). Open the store once with a role "
              + "that has CREATE on the database, or GRANT CREATE ON DATABASE " + currentDatabase(c) + " TO "
              + currentUser(c), e);
        }
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
    if (version > VERSION) {
      throw new StoreException("store " + store + ": its schema " + NAME + " is at version " + version
          + ", written by a newer memokit; this memokit reads versions up to " + VERSION
          + ": upgrade memokit, or use another database");
    }
    if (version == UNREADABLE) return; // the rights check names what is missing
    if (version < 1) {
      throw new StoreException("store " + store + ": memokit.schema_version holds version " + version
          + ", which no memokit writes: the schema was changed by hand");
    }
  }

  /** The version of a schema this role cannot read: {@link Rights} then names what it lacks. */
  private static final int UNREADABLE = -1;

  /**
   * The schema's version; {@code null} if the database has no memokit schema (or an empty one);
   * {@link #UNREADABLE} if this role may not read it.
   */
  private static Integer version(Connection c, String store) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT n.oid IS NOT NULL, coalesce(has_schema_privilege(n.oid, 'USAGE'), false), "
            + "EXISTS (SELECT 1 FROM pg_catalog.pg_class k WHERE k.relnamespace = n.oid), "
            + "EXISTS (SELECT 1 FROM pg_catalog.pg_class k WHERE k.relnamespace = n.oid AND k.relname = 'schema_version') "
            + "FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = 'memokit'")) {
      r.next();
      if (!r.getBoolean(1)) return null;
      if (!r.getBoolean(2)) return UNREADABLE;
      if (!r.getBoolean(4)) {
        if (!r.getBoolean(3)) return null;
        throw new StoreException("store " + store + ": the database has a schema named memokit that memokit did not "
            + "create (it has no memokit.schema_version table): rename it, or use another database");
      }
    }
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT has_table_privilege('memokit.schema_version', 'SELECT')")) {
      r.next();
      if (!r.getBoolean(1)) return UNREADABLE;
    }
    try (Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT max(version) FROM memokit.schema_version")) {
      r.next();
      int v = r.getInt(1);
      return r.wasNull() ? 0 : v;
    }
  }

  static String currentUser(Connection c) {
    return scalar(c, "SELECT current_user");
  }

  static String currentDatabase(Connection c) {
    return scalar(c, "SELECT current_database()");
  }

  private static String scalar(Connection c, String sql) {
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      return "?";
    }
  }

  private static String memokitVersion() {
    String v = Schema.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }
}
