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
 * {@code complete} find by asking the server whether that session still holds the lock.
 */
final class LockSession implements AutoCloseable {

  /** A held lock: the epoch and server process id of the session that holds it. */
  record Hold(long epoch, int backendPid) {}

  private final Connections connections;
  private Connection connection;
  private int backendPid;
  private long epoch;

  LockSession(Connections connections) {
    this.connections = connections;
  }

  /** Takes the advisory lock {@code key} if no session holds it; {@code null} if another does. */
  synchronized Hold tryLock(long key) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      ensureOpen();
      try (PreparedStatement p = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        p.setLong(1, key);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getBoolean(1) ? new Hold(epoch, backendPid) : null;
        }
      } catch (SQLException e) {
        if (!SqlErrors.isConnectionLost(e, connection)) throw e;
        discard();
        if (attempt >= 2) throw e;
      } catch (Error e) {
        discard(); // stopped mid-message (Thread.stop): the session's state is unknown; its locks go with it
        throw e;
      }
    }
  }

  /** Releases {@code key} if {@code hold} is of the current session (an ended session released it already). */
  synchronized void unlock(long key, Hold hold) {
    if (connection == null || hold.epoch() != epoch) return;
    try (PreparedStatement p = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      p.setLong(1, key);
      p.execute();
    } catch (SQLException e) {
      if (SqlErrors.isConnectionLost(e, connection)) discard();
    } catch (Error e) {
      discard();
      throw e;
    }
  }

  private void ensureOpen() throws SQLException {
    if (connection != null) return;
    Connection c = connections.open();
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      backendPid = r.getInt(1);
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
