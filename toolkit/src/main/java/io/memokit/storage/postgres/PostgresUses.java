package io.memokit.storage.postgres;

import io.memokit.function.FunctionId;
import io.memokit.storage.BlockUser;
import io.memokit.storage.ProcessIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which processes use which blocks of a PostgreSQL store: a process using a block holds a shared
 * advisory lock on the block's use key in its {@link LockSession}, which the server releases when
 * the session ends (the process ended, or its host was cut off for longer than the session's
 * keepalives allow). The session's {@code application_name} names the process
 * ({@code memokit proc P on HOST}), so that others can say who uses a block they would remove.
 */
final class PostgresUses {

  private static final Pattern NAME = Pattern.compile("memokit proc (\\d+) on (.*)");
  private static final String USERS = "SELECT l.pid, a.application_name FROM pg_catalog.pg_locks l "
      + "LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
      + "AND l.objsubid = 2 AND l.classid::int8 = ? AND l.objid::int8 = ? AND l.pid <> ? "
      + "AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())";

  private PostgresUses() {}

  /** This process's lock session's {@code application_name} (the server keeps 63 bytes of it). */
  static String applicationName() {
    return "memokit proc " + ProcessIdentity.PID + " on " + ProcessIdentity.HOST;
  }

  /** The use key of block {@code id}: its directory name's hash, as every JVM computes it (non-negative). */
  static int key(FunctionId id) {
    return id.storedName().hashCode() & 0x7fffffff;
  }

  /** The sessions other than {@code ownBackendPid} holding the use lock of {@code id}. */
  static List<BlockUser> users(Connection c, FunctionId id, int ownBackendPid) throws SQLException {
    List<BlockUser> users = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(USERS)) {
      p.setLong(1, LockSession.USE_NAMESPACE);
      p.setLong(2, key(id));
      p.setInt(3, ownBackendPid);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String name = r.getString(2);
          Matcher m = NAME.matcher(name == null ? "" : name);
          users.add(m.matches() ? new BlockUser(Long.parseLong(m.group(1)), m.group(2))
              : new BlockUser(0, "a session of server process " + r.getInt(1)));
        }
      }
    }
    return users;
  }
}
