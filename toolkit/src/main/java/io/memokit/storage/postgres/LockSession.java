package io.memokit.storage.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one session in which a process holds its claims: a session-level advisory lock per claimed
 * cell ({@code pg_try_advisory_lock(key)}), which the server releases when the session ends, as the
 * operating system releases a file lock when its process dies. One connection per process and
 * store, whatever the number of claims; its calls last one round trip, one at a time.
 *
 * <p>A session lock is re-entrant within its session, so the backend keeps two threads of this
 * process from claiming one cell ({@link PostgresBackend}'s claim map); the server keeps processes
 * apart. When the session breaks, a new one is opened with a new epoch: the claims of the old
 * epoch are lost (another process may have taken their cells over), which {@code start} and
 * {@code complete} find by asking the server whether that session still holds the lock. A claim
 * that starts its computation, and a completion that releases its claim, run in this session
 * ({@link #tryLock}, {@link #call}): there, that question costs nothing.
 *
 * <p><b>A host that vanishes.</b> A process that dies closes its session (its operating system
 * does), and the server releases its claims at once. A host that crashes or is cut off from the
 * network closes nothing: the server finds the session gone only when TCP tells it, after two hours
 * and more with the operating systems' defaults, and until then the host's claims hold and waiters
 * on other hosts wait. So the session asks the server to probe it ({@link #KEEPALIVES}): after
 * {@value #IDLE_SECONDS} s of silence, a probe a second, and the session ended once nothing came
 * back for {@value #SILENT_SECONDS} s. A host cut off for longer loses its claims to waiters
 * (its computations' results are then refused: lost, not stored); a shorter cut loses nothing.
 */
final class LockSession implements AutoCloseable {

  static final int IDLE_SECONDS = 5;
  static final int SILENT_SECONDS = 10;
  /**
   * The lock session's own TCP settings on the server's side (settings any role may set for its
   * session; those the server does not know, {@code tcp_user_timeout} before PostgreSQL 12, are
   * skipped), with its server process id, in the session's first statement.
   */
  static final String KEEPALIVES = "SELECT pg_backend_pid(), (SELECT count(set_config(s.name, s.value, false)) "
      + "FROM (VALUES ('tcp_keepalives_idle', '" + IDLE_SECONDS + "'), ('tcp_keepalives_interval', '1'), "
      + "('tcp_keepalives_count', '" + (SILENT_SECONDS - IDLE_SECONDS) + "'), ('tcp_user_timeout', '"
      + SILENT_SECONDS * 1000 + "')) AS s(name, value) WHERE s.name IN (SELECT name FROM pg_catalog.pg_settings))";

  /** A held lock: the epoch and server process id of the session that holds it. */
  record Hold(long epoch, int backendPid) {}

  /** The namespace of the locks that say a process uses a block (two-int advisory keys, apart from claims' bigint keys). */
  static final int USE_NAMESPACE = 0x6d6b7573;

  private final Connections connections;
  private Connection connection;
  private int backendPid;
  private long epoch;
  /** The blocks this process uses (their use keys): held shared by the session, taken again by each new one. */
  private final java.util.Set<Integer> uses = new java.util.LinkedHashSet<>();

  LockSession(Connections connections) {
    this.connections = connections;
  }

  /**
   * A statement that tries to take an advisory lock (its first parameter) and, once it holds it,
   * reads something: one row, whose first column says whether it took the lock. It may also read
   * before it tries, and then not try.
   */
  interface Then<T> {
    /** Its SQL, whose first parameter is the lock's key. */
    String sql();

    /** Binds its other parameters, the first at index 2. */
    void bind(PreparedStatement p) throws SQLException;

    /**
     * Reads what it read, from its row (columns 2 and up): once it held the lock ({@code locked}),
     * or else before it tried ({@code null} if it read nothing then).
     */
    T read(ResultSet r, boolean locked) throws SQLException;
  }

  /**
   * What a {@link Then} read, and the lock it took: {@code hold} is {@code null} if it holds none
   * (it found what it read without keeping a claim).
   */
  record Locked<T>(Hold hold, T read) {}

  /**
   * Takes the advisory lock {@code key} if no session holds it and reads what {@code then} reads,
   * in one statement (one round trip); {@code null} if another session holds the lock and the
   * statement found nothing. A statement that fails gives back the lock it may have
   * taken; after a deadlock or a serialization failure, which rolled it back, it runs again (at
   * most {@link Connections#RETRIES} times in all, as {@link Connections#retrying} does).
   */
  synchronized <T> Locked<T> tryLock(long key, Then<T> then) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      ensureOpen();
      try (PreparedStatement p = connection.prepareStatement(then.sql())) {
        Payloads.binary(p);
        p.setLong(1, key);
        then.bind(p);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) return null;
          boolean locked = r.getBoolean(1);
          T read = then.read(r, locked);
          if (locked) return new Locked<>(new Hold(epoch, backendPid), read);
          return read == null ? null : new Locked<>(null, read);
        }
      } catch (SQLException e) {
        if (!SqlErrors.isConnectionLost(e, connection)) {
          // A session lock outlives the failed statement's transaction: give it back, if taken.
          unlockQuietly(key);
          if (SqlErrors.isRetryable(e) && attempt < Connections.RETRIES) continue; // rolled back whole: run it again
          throw e;
        }
        discard();
        if (attempt >= 2) throw e;
      } catch (Error e) {
        discard(); // stopped mid-message (Thread.stop): the session's state is unknown; its locks go with it
        throw e;
      }
    }
  }

  /**
   * Runs {@code work}, one statement, in the session that took {@code hold}: the statement that
   * completes a claim and releases it ({@link RowClaim#complete}). If that session has ended, or
   * breaks now (the session is then dropped), throws as a broken connection does (SQLSTATE class
   * 08): its claims are lost.
   */
  synchronized <T> T call(Hold hold, Connections.Work<T> work) throws SQLException {
    if (connection == null || hold.epoch() != epoch) {
      throw new SQLException("the session that held the claim with the server has ended", "08003");
    }
    try {
      return work.run(connection);
    } catch (SQLException e) {
      if (SqlErrors.isConnectionLost(e, connection)) discard();
      throw e;
    } catch (Error e) {
      discard();
      throw e;
    }
  }

  private void unlockQuietly(long key) {
    try (PreparedStatement p = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      p.setLong(1, key);
      p.execute();
    } catch (SQLException e) {
      if (SqlErrors.isConnectionLost(e, connection)) discard();
    }
  }

  /** Releases {@code key} if {@code hold} is of the current session (an ended session released it already). */
  synchronized void unlock(long key, Hold hold) {
    if (connection == null || hold.epoch() != epoch) return;
    try {
      unlockQuietly(key);
    } catch (Error e) {
      discard();
      throw e;
    }
  }

  /**
   * Holds the use lock {@code key} (see {@link #USE_NAMESPACE}) for as long as this process runs:
   * shared, so that every process using the block holds it; a session opened after a broken one
   * takes every use again.
   */
  synchronized void holdUse(int key) throws SQLException {
    if (connection != null && uses.contains(key)) return;
    uses.add(key);
    if (connection != null) {
      try (PreparedStatement p = connection.prepareStatement("SELECT pg_advisory_lock_shared(?, ?)")) {
        p.setInt(1, USE_NAMESPACE);
        p.setInt(2, key);
        p.execute();
        return;
      } catch (SQLException e) {
        if (!SqlErrors.isConnectionLost(e, connection)) throw e;
        discard();
      }
    }
    ensureOpen();
  }

  /** The server process id of this session, or 0 if none is open. */
  synchronized int backendPid() {
    return connection == null ? 0 : backendPid;
  }

  private void ensureOpen() throws SQLException {
    if (connection != null) return;
    Connection c = connections.open();
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(KEEPALIVES)) {
      r.next();
      backendPid = r.getInt(1);
    } catch (SQLException e) {
      Connections.closeQuietly(c);
      throw e;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT set_config('application_name', ?, false), "
        + "(SELECT count(pg_advisory_lock_shared(?, k)) FROM unnest(?::int4[]) AS k)")) {
      // How other processes name this one when it uses a block they would remove (BlockUser).
      p.setString(1, PostgresUses.applicationName());
      p.setInt(2, USE_NAMESPACE);
      p.setArray(3, c.createArrayOf("int4", uses.toArray()));
      p.execute();
    } catch (SQLException e) {
      Connections.closeQuietly(c);
      throw e;
    }
    connection = c;
    epoch++;
  }

  /** Drops a broken session: its locks are gone (the server released them, or will when it notices). */
  private void discard() {
    if (connection != null) Connections.closeQuietly(connection);
    connection = null;
  }

  @Override
  public synchronized void close() {
    discard();
  }
}
