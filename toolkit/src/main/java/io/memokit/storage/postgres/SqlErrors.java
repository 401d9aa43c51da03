package io.memokit.storage.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** What a server's error means for memokit: a missing right, a lost connection, a transaction to retry. */
final class SqlErrors {

  private SqlErrors() {}

  /** insufficient_privilege: the role lacks a right (the message names the table). */
  static boolean isPrivilege(SQLException e) {
    return "42501".equals(e.getSQLState());
  }

  /** A deadlock or serialization failure: the transaction was rolled back and may simply run again. */
  static boolean isRetryable(SQLException e) {
    return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
  }

  /**
   * Whether {@code e} leaves {@code c} unusable: the connection broke (class 08), the server ended
   * the session (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P05 idle
   * session timeout), or the driver closed it.
   */
  static boolean isConnectionLost(Throwable e, Connection c) {
    if (e instanceof SQLException s && brokeConnection(s)) return true;
    try {
      return c == null || c.isClosed();
    } catch (SQLException closed) {
      return true;
    }
  }

  /** Whether {@code e} says, by its state, that the connection broke or the server ended the session (see {@link #isConnectionLost}). */
  static boolean brokeConnection(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  /** An {@link IOException} for the cell lifecycle (which then computes without the store), saying where. */
  static IOException io(String what, SQLException e) {
    return new IOException(what + ": " + e.getMessage(), e);
  }
}
