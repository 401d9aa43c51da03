package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import io.memokit.storage.CellHolder;
import io.memokit.storage.BlockUser;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import io.memokit.storage.WaitBoard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A store in a PostgreSQL database, opened by its JDBC URL ({@code jdbc:postgresql://host:5432/db?user=...}):
 * the schema {@code memokit} ({@link Schema}) holds its blocks and cells, created on first use.
 *
 * <p>Per process and store: one {@link LockSession} whose session-level advisory locks are the
 * claims (the server releases them when the session ends, so a waiter of any host takes the cell
 * over), at most {@link Connections#MAX} work connections, and a {@link Watches} poller that lets
 * hits be answered from memory. A role that may only read the schema gets hits; a miss gets a
 * {@link StoreException} naming the rights it lacks. The URL's password is never shown:
 * {@link #location()} and every message carry the URL with it masked.
 */
public final class PostgresBackend implements StoreBackend, AutoCloseable {

  /** The location prefix of this backend's stores. */
  public static final String SCHEME = "jdbc:postgresql:";
  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final Map<String, PostgresBackend> OPEN = new ConcurrentHashMap<>();
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("^(jdbc:[a-z0-9]+://[^/@?]*?:)[^/@?]*@");

  private final String url;
  private final String location;
  private final StoreSettings settings;
  private final Connections connections;
  private final LockSession lockSession;
  private final Watches watches;
  private final PostgresWaitBoard waitBoard;
  private final Map<FunctionId, PostgresBlock> blocks = new ConcurrentHashMap<>();
  private final StoreByteLimit byteLimit = new StoreByteLimit(this);
  /** The cells claimed in this process (lock keys): a session's advisory locks are re-entrant. */
  private final Map<Long, Boolean> claims = new ConcurrentHashMap<>();
  private final String role;
  /** {@code null} if this role may compute cells; else the message a miss gets. */
  private final String writeRefusal;

  private PostgresBackend(String url, StoreSettings settings) {
    this.url = url;
    this.location = redact(url);
    this.settings = settings;
    this.connections = new Connections(url, location, settings.ticker());
    this.lockSession = new LockSession(connections);
    this.watches = new Watches(connections, location, settings.ticker());
    this.waitBoard = new PostgresWaitBoard(this);
    try {
      String[] rights = connections.call(c -> {
        Schema.ensure(c, location);
        return Rights.check(c);
      });
      this.role = rights[0];
      if (rights[1] != null) {
        throw new StoreException("store " + location + ": role " + role + " cannot read this store: it lacks "
            + rights[1] + ". " + Rights.grantAdvice(role, false));
      }
      this.writeRefusal = rights[2] == null ? null : "store " + location + ": role " + role + " may read this store's "
          + "cells but not compute a missing one: it lacks " + rights[2] + ". " + Rights.grantAdvice(role, true);
    } catch (SQLException e) {
      close();
      throw new StoreException("cannot open store " + location + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The store at {@code url}, opened (its schema created if needed) on first use in this process and
   * kept open; the first opening gives the settings.
   */
  public static PostgresBackend open(String url, StoreSettings settings) {
    PostgresBackend known = OPEN.get(url);
    if (known != null) return known;
    synchronized (OPEN) {
      return OPEN.computeIfAbsent(url, u -> new PostgresBackend(u, settings));
    }
  }

  /** A new backend on {@code url}, not shared with {@link #open}: as another process would see the store. */
  public static PostgresBackend connect(String url, StoreSettings settings) {
    return new PostgresBackend(url, settings);
  }

  /**
   * Whether the database at {@code url} holds a store (the schema {@code memokit}), asked without
   * creating anything; a {@link StoreException} (its URL masked) if the database cannot be reached.
   */
  public static boolean holdsStore(String url) {
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", "memokit");
    try (Connection c = new org.postgresql.Driver().connect(url, properties)) {
      if (c == null) throw new StoreException("not a PostgreSQL JDBC URL: " + redact(url));
      try (Statement st = c.createStatement();
           ResultSet r = st.executeQuery("SELECT to_regclass('memokit.schema_version') IS NOT NULL")) {
        r.next();
        return r.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot reach store " + redact(url) + ": " + e.getMessage(), e);
    }
  }

  /** {@code url} with its password masked ({@code password=***}), for messages. */
  public static String redact(String url) {
    String s = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(s).replaceFirst("$1***@");
  }

  // ---- what the blocks use --------------------------------------------------------------------

  Connections connections() {
    return connections;
  }

  LockSession lockSession() {
    return lockSession;
  }

  /** Publishes the hits this process counted in memory in every block (before an eviction reads them). */
  void publishHitsOfEveryBlock() {
    for (PostgresBlock b : blocks.values()) b.publishHits();
  }

  Watches watches() {
    return watches;
  }

  StoreSettings settings() {
    return settings;
  }

  Map<Long, Boolean> claims() {
    return claims;
  }

  boolean canWrite() {
    return writeRefusal == null;
  }

  /** The refusal of a miss by a role that may only read, naming the block and the rights it lacks. */
  StoreException readOnly(FunctionId id) {
    return new StoreException(writeRefusal.replace("compute a missing one", "compute a missing one (of " + id.label() + ")"));
  }

  /** A store exception for a failed call: a missing right named with the grant that gives it, else the server's words. */
  StoreException failure(String what, SQLException e) {
    if (SqlErrors.isPrivilege(e)) {
      return new StoreException("store " + location + ": role " + role + " cannot " + what + ": " + e.getMessage()
          + ". " + Rights.grantAdvice(role, true), e);
    }
    return new StoreException("store " + location + ": cannot " + what + ": " + e.getMessage(), e);
  }

  // ---- StoreBackend ---------------------------------------------------------------------------

  /** Any role the database grants the writer role can write cells (the team store's design). */
  @Override
  public String otherWriters() {
    return "other roles of the database can write it";
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public PostgresBlock block(FunctionId id) {
    PostgresBlock b = blockObject(id);
    b.ensureRow();
    return b;
  }

  /** The block's object, without creating its row (to ask about a block that may not exist). */
  private PostgresBlock blockObject(FunctionId id) {
    PostgresBlock b = blocks.get(id);
    return b != null ? b : blocks.computeIfAbsent(id, k -> new PostgresBlock(this, k));
  }

  @Override
  public List<FunctionId> blockIds() {
    try {
      List<FunctionId> ids = connections.call(c -> {
        List<FunctionId> list = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT name, version, code, arity FROM memokit.blocks")) {
          while (r.next()) {
            try {
              list.add(new FunctionId(r.getString(1), r.getString(2), r.getString(3), r.getInt(4)));
            } catch (IllegalArgumentException notOurs) {
              LOG.log(System.Logger.Level.WARNING, "memokit: store " + location + " has a block memokit cannot "
                  + "name (" + notOurs.getMessage() + "); skipped");
            }
          }
        }
        return list;
      });
      ids.sort(Comparator.comparing(FunctionId::label));
      return ids;
    } catch (SQLException e) {
      throw failure("list its blocks", e);
    }
  }

  @Override
  public void removeBlock(FunctionId id) {
    try {
      Long removed = connections.transaction(c -> {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.blocks b WHERE " + BlockSql.IDENTITY
            + " RETURNING id")) {
          BlockSql.bindIdentity(d, 1, id);
          try (ResultSet r = d.executeQuery()) {
            if (!r.next()) return null;
            long blockId = r.getLong(1);
            BlockSql.removeComputations(c, blockId);
            return blockId;
          }
        }
      });
      PostgresBlock b = blocks.get(id);
      if (b != null) b.forgetRow();
      if (removed != null) {
        watches.refresh(removed); // this process stops answering the block's cells from memory at once
        LOG.log(System.Logger.Level.INFO, "memokit: removed block " + id.describe() + " from " + location);
      }
    } catch (SQLException e) {
      throw failure("remove block " + id.label(), e);
    }
  }

  @Override
  public void markInUse(FunctionId id) {
    try {
      lockSession.holdUse(PostgresUses.key(id));
    } catch (SQLException e) {
      // Only a safeguard against another process's clearObsolete(): never fail a call for it.
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot record in store " + location + " that this process uses "
          + "block " + id.label() + " (" + e.getMessage() + "); other processes may remove it as obsolete");
    }
  }

  @Override
  public List<BlockUser> usersOf(FunctionId id) {
    int own = lockSession.backendPid();
    try {
      return connections.call(c -> PostgresUses.users(c, id, own));
    } catch (SQLException e) {
      throw failure("find which processes use block " + id.label(), e);
    }
  }

  @Override
  public long bytes() {
    try {
      return connections.call(c -> {
        try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'memokit' AND c.relkind IN ('r', 'S')")) {
          r.next();
          return r.getLong(1);
        }
      });
    } catch (SQLException e) {
      throw failure("measure its size", e);
    }
  }

  @Override
  public long footprint(FunctionId id) {
    return blockIds().contains(id) ? block(id).status().bytes() : 0;
  }

  @Override
  public long byteLimit() {
    return byteLimit.limit();
  }

  @Override
  public int limitBytes(long maxBytes) {
    return byteLimit.set(maxBytes);
  }

  /** Evicts the least recently hit cells of any block if the store is over its byte limit; returns how many. */
  int enforceByteLimit() {
    return byteLimit.enforce();
  }

  /** The monotonic time of the store's settings, in nanoseconds. */
  long ticks() {
    return settings.ticker().getAsLong();
  }

  @Override
  public WaitBoard waitBoard() {
    return waitBoard;
  }

  @Override
  public CellHolder holderOf(WaitBoard.CellRef ref) {
    Optional<FunctionId> id = FunctionId.fromStoredName(ref.block());
    return id.isEmpty() ? null : blockObject(id.get()).holder(ref.keyHi(), ref.keyLo());
  }

  @Override
  public List<String> check(boolean fix) {
    try {
      return StoreCheck.run(this, fix);
    } catch (SQLException e) {
      throw failure("check the store", e);
    }
  }

  /** Closes this process's connections to the store: its claims are released, its blocks unusable. */
  @Override
  public void close() {
    OPEN.remove(url, this);
    watches.close();
    lockSession.close();
    connections.close();
  }

  @Override
  public String toString() {
    return "PostgresBackend[" + location + "]";
  }
}
