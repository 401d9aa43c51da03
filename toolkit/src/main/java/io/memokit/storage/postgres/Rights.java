package io.memokit.storage.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rights a role needs on the schema: to read (hits) and to write (misses, statistics,
 * management). Asked once when a store is opened, so that a role that may only read gets its hits
 * and, on a miss, a message naming what it lacks instead of a failed statement.
 */
final class Rights {

  /** Object, kind (t: table, s: sequence, n: schema), privilege; the first rows are the reading rights. */
  private static final String[][] READ = {
      {"memokit", "n", "USAGE"},
      {"memokit.blocks", "t", "SELECT"},
      {"memokit.cells", "t", "SELECT"},
      {"memokit.computing", "t", "SELECT"},
      {"memokit.chunks", "t", "SELECT"},
      {"memokit.settings", "t", "SELECT"},
      {"memokit.schema_version", "t", "SELECT"},
  };
  private static final String[][] WRITE = {
      {"memokit.blocks", "t", "INSERT"},
      {"memokit.blocks", "t", "UPDATE"},
      {"memokit.blocks", "t", "DELETE"},
      {"memokit.cells", "t", "INSERT"},
      {"memokit.cells", "t", "UPDATE"},
      {"memokit.cells", "t", "DELETE"},
      {"memokit.computing", "t", "INSERT"},
      {"memokit.computing", "t", "UPDATE"},
      {"memokit.computing", "t", "DELETE"},
      {"memokit.chunks", "t", "INSERT"},
      {"memokit.chunks", "t", "DELETE"},
      {"memokit.waits", "t", "SELECT"},
      {"memokit.waits", "t", "INSERT"},
      {"memokit.waits", "t", "UPDATE"},
      {"memokit.waits", "t", "DELETE"},
      {"memokit.cell_ids", "s", "USAGE"},
      {"memokit.tokens", "s", "USAGE"},
      {"memokit.blocks_id_seq", "s", "USAGE"},
  };

  private Rights() {}

  /**
   * The current role, the reading rights it lacks, and the writing rights it lacks ({@code null}
   * when none), each as {@code INSERT, UPDATE on memokit.cells; USAGE on sequence memokit.tokens}.
   */
  static String[] check(Connection c) throws SQLException {
    String role;
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT current_user")) {
      r.next();
      role = r.getString(1);
    }
    String read = missing(c, READ);
    // Without the schema's USAGE nothing in it can even be named: the writing rights are moot.
    return new String[] {role, read, read != null ? null : missing(c, WRITE)};
  }

  /** The rights of {@code rights} the role lacks, in words; {@code null} if none. One query. */
  private static String missing(Connection c, String[][] rights) throws SQLException {
    if (rights[0][1].equals("n") && !holds(c, new String[][] {rights[0]})[0]) {
      return "USAGE on schema " + rights[0][0]; // without it, its tables cannot even be named
    }
    boolean[] held = holds(c, rights);
    Map<String, List<String>> lacking = new LinkedHashMap<>();
    for (int i = 0; i < rights.length; i++) {
      if (held[i]) continue;
      String[] right = rights[i];
      String object = (right[1].equals("n") ? "schema " : right[1].equals("s") ? "sequence " : "") + right[0];
      lacking.computeIfAbsent(object, o -> new ArrayList<>()).add(right[2]);
    }
    if (lacking.isEmpty()) return null;
    List<String> parts = new ArrayList<>();
    lacking.forEach((object, privileges) -> parts.add(String.join(", ", privileges) + " on " + object));
    return String.join("; ", parts);
  }

  private static boolean[] holds(Connection c, String[][] rights) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < rights.length; i++) {
      String[] right = rights[i];
      String function = switch (right[1]) {
        case "n" -> "has_schema_privilege";
        case "s" -> "has_sequence_privilege";
        default -> "has_table_privilege";
      };
      sql.append(i > 0 ? ", " : "").append(function).append("('").append(right[0]).append("', '").append(right[2])
          .append("')");
    }
    boolean[] held = new boolean[rights.length];
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql.toString())) {
      r.next();
      for (int i = 0; i < held.length; i++) held[i] = r.getBoolean(i + 1);
    }
    return held;
  }

  /** What an administrator runs to give {@code role} the rights to read ({@code write}: and to compute). */
  static String grantAdvice(String role, boolean write) {
    String who = quote(role);
    return write
        ? "Grant them (GRANT USAGE ON SCHEMA memokit TO " + who + "; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES "
            + "IN SCHEMA memokit TO " + who + "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA memokit TO " + who
            + "), or open the store as a role that has them"
        : "Grant them (GRANT USAGE ON SCHEMA memokit TO " + who + "; GRANT SELECT ON ALL TABLES IN SCHEMA memokit TO "
            + who + "), or open the store as a role that has them";
  }

  private static String quote(String role) {
    return role.matches("[a-z_][a-z0-9_$]*") ? role : "\"" + role.replace("\"", "\"\"") + "\"";
  }
}
