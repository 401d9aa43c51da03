package io.memokit.storage.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A process's connections to one store's database for its work (reads, writes, statistics): at
 * most {@link #MAX} open at once, opened when needed and kept for the next call. Claims do not
 * take one for their duration (they hold an advisory lock on the process's one {@link LockSession}),
 * so a process holding a hundred claims still uses {@code MAX + 1} connections. A connection is
 * held only for the length of one backend call, never while user code runs; a call never takes two.
 */
final class Connections implements AutoCloseable {

  /** Work connections per process and store. */
  static final int MAX = 4;
  /** An idle connection older than this is validated (one round trip) before use. */
  private static final long VALIDATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** How many times a transaction runs in all, the first included, while deadlocks or serialization failures roll it back. */
  static final int RETRIES = 3;

  /** Work on one connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private record Idle(Connection connection, long since) {}

  private final String url;
  private final String location;
  private final java.util.function.LongSupplier ticker;
  private final Properties properties;
  private final org.postgresql.Driver driver = new org.postgresql.Driver();
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();
  private final Semaphore permits = new Semaphore(MAX, true);
  private volatile boolean closed;

  /** {@code url} may hold a password: it is used to connect, never shown; {@code location} is shown. */
  Connections(String url, String location, java.util.function.LongSupplier ticker) {
    this.ticker = ticker;
    this.url = url;
    this.location = location;
    this.properties = new Properties();
    properties.setProperty("ApplicationName", "memokit");
  }

  /**
   * What every session of this process sets once connected. A session keeps the plans of its
   * prepared statements for its life, and a plan made while a store is small may read the whole
   * cells table to find one row, which would then cost a scan of the whole store at every read as it
   * grows: with sequential scans off, the server finds rows by an index wherever one serves (the
   * routines set the same in their own declaration, {@link Schema#routines}; and see
   * {@link BlockSql#finished}).
   */
  static final String SESSION = "SET enable_seqscan = off";

  /** A new connection of its own (the lock session's; work connections come through {@link #call}). */
  Connection open() throws SQLException {
    if (closed) throw new SQLException("store " + location + " was closed in this process", "08003");
    Connection c = driver.connect(url, properties);
    if (c == null) throw new SQLException("not a PostgreSQL JDBC URL: " + location, "08001");
    try (Statement st = c.createStatement()) {
      st.execute(SESSION);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  <T> T call(Work<T> work) throws SQLException {
    permits.acquireUninterruptibly();
    Connection c = null;
    boolean broken = false;
    boolean lost = false;
    try {
      c = take();
      return work.run(c);
    } catch (Throwable e) {
      // An Error may have stopped the driver mid-message (Thread.stop: JShell's Ctrl-C on JDK 17):
      // the connection's protocol state is unknown, so it is closed, never reused.
      lost = !(e instanceof Error) && SqlErrors.isConnectionLost(e, c);
      broken = e instanceof Error || lost;
      throw e;
    } finally {
      if (c != null) giveBack(c, broken);
      if (lost) closeIdle(); // they went through the same network, and are likely broken too (a cut)
      permits.release();
    }
  }

  /**
   * Runs {@code work} in one transaction (read committed), committed if it returns and rolled back if
   * it throws; run again, whole, after a deadlock or serialization failure.
   */
  <T> T transaction(Work<T> work) throws SQLException {
    return retrying(c -> inTransaction(c, work));
  }

  /**
   * Runs {@code work} as {@link #call} does, and again, whole, after a deadlock or serialization
   * failure: for work that is one transaction (one statement in auto-commit mode, or
   * {@link #inTransaction}), which the failure rolled back.
   */
  <T> T retrying(Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return call(work);
      } catch (SQLException e) {
        if (attempt >= RETRIES || !SqlErrors.isRetryable(e)) throw e;
      }
    }
  }

  /** Runs {@code work} on {@code c} in one transaction, committed if it returns and rolled back if it throws. */
  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      if (!c.isClosed()) c.setAutoCommit(true);
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection broke: the server rolled the transaction back
    }
  }

  private Connection take() throws SQLException {
    for (;;) {
      Idle i;
      synchronized (idle) {
        i = idle.pollFirst();
      }
      if (i == null) return open();
      if (ticker.getAsLong() - i.since() < VALIDATE_AFTER_NANOS || i.connection().isValid(5)) return i.connection();
      closeQuietly(i.connection());
    }
  }

  private void giveBack(Connection c, boolean broken) {
    if (broken || closed) {
      closeQuietly(c);
      return;
    }
    synchronized (idle) {
      idle.addFirst(new Idle(c, ticker.getAsLong()));
    }
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // already broken
    }
  }

  /** Closes the idle connections: the next calls open new ones. */
  private void closeIdle() {
    synchronized (idle) {
      for (Idle i : idle) closeQuietly(i.connection());
      idle.clear();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeIdle();
  }
}
