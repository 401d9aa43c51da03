package io.memokit.it;

import static io.memokit.Memo.store;
import static io.memokit.it.CommandLineTest.SIZE;
import static io.memokit.it.CommandLineTest.cli;
import static io.memokit.it.CommandLineTest.fails;
import static io.memokit.it.CommandLineTest.succeeds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.MemoStore;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar memokit.jar COMMAND URL ...} on a PostgreSQL store (a fresh database of the
 * tests' server, filled as {@link CommandLineTest}'s directory store is), and the API's names for
 * it: every output and error names the store by its URL with the password masked, and never shows
 * the password; a database without memokit's schema is refused and left without one.
 */
class PostgresCommandLineTest {

  private final PostgresServer server = PostgresServer.get();
  /** The database every test starts from, filled once for the class by a process that then ended. */
  private static String filled;
  private String database;
  private String url;
  private String shown;
  private final List<CommandLineTest.Run> runs = new ArrayList<>();

  @BeforeAll
  static void buildTheJar() throws Exception {
    CommandLineTest.buildTheJar();
  }

  /** Each test's database: a copy of {@link #filled}, filled (once) as CommandLineTest's directory store is. */
  @BeforeEach
  void copyAFilledDatabase() throws Exception {
    synchronized (PostgresCommandLineTest.class) {
      if (filled == null) {
        String template = server.createDatabase();
        StoreFiller.fillInAnotherProcess(server.url(template));
        filled = template;
      }
    }
    database = server.createDatabase(filled);
    url = server.url(database);
    shown = url.replace(server.password(), "***");
  }

  @AfterEach
  void noOutputShowedThePassword() throws SQLException {
    for (CommandLineTest.Run r : runs) {
      assertFalse(r.out().contains(server.password()) || r.err().contains(server.password()), "password shown\n" + r);
    }
    server.dropDatabase(database);
    if (colleague != null) {
      try (Connection c = server.admin("postgres"); Statement st = c.createStatement()) {
        st.execute("DROP ROLE IF EXISTS " + colleague);
      }
    }
  }

  /** The role of a colleague who writes cells too (with a team store's grants), once a test made it. */
  private String colleague;

  /**
   * Adds a colleague's cells ({@link CommandLineTest#fillAsColleague}) as a role of their own, made
   * with the grants of a team store's writer; returns the role.
   */
  private String addAColleaguesCells() throws Exception {
    colleague = "colleague_" + database;
    try (Connection c = server.admin(database); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + colleague + " LOGIN PASSWORD 'pw-" + colleague + "'");
      st.execute("GRANT USAGE ON SCHEMA memokit TO " + colleague);
      st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA memokit TO " + colleague);
      st.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA memokit TO " + colleague);
    }
    StoreFiller.addColleaguesCellsInAnotherProcess(server.url(database, colleague, "pw-" + colleague), List.of());
    return colleague;
  }

  @Test
  void cellsNameTheRoleThatWroteEachAndRemoveCellsRemovesOneRolesCellsOnly() throws Exception {
    String role = addAColleaguesCells();
    String sq = blockNames().stream().filter(n -> n.startsWith("sq(1)#")
        && CommandLineTest.cellsByArguments(store(url), n).containsKey("(5)")).findFirst().orElseThrow();
    String here = Pattern.quote(ProcessIdentity.HOST);
    CommandLineTest.Run cells = ok("cells", url, sq);
    assertTrue(CommandLineTest.row(cells, "(2)").matches(".* " + Pattern.quote(server.user()) + "@" + here + " +"
        + "\\d{4}-.*"), "the role the filler connected as, set by the server\n" + cells);
    assertTrue(CommandLineTest.row(cells, "(5)").matches(".* " + role + "@" + here), cells.toString());

    Map<String, CellInfo> v = CommandLineTest.cellsByArguments(store(url), "v");
    String mineCode = v.get("(1)").origin().code();
    String theirCode = v.get("(2)").origin().code();
    assertTrue(!mineCode.equals(theirCode) && theirCode.matches("[0-9a-f]{16}"), v.toString());
    CommandLineTest.Run detail = ok("cells", url, "v", "--long");
    assertTrue(CommandLineTest.row(detail, "(2)").matches("\\d+ +\\(2\\) +value +" + role + " +" + here
        + " +\\d+ +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\S+ +\\S+ +" + theirCode), detail.toString());
    CommandLineTest.Run theirs = ok("cells", url, "v", "--user", role);
    assertTrue(theirs.lines().get(0).contains(": 1 of 3 cells written by " + role + ","), theirs.toString());

    CommandLineTest.Run preview = failed(2, "remove-cells", url, "--user", role);
    assertTrue(preview.out().startsWith("remove-cells would remove 3 cells (") && preview.out().contains(
        ") written by " + role + " from " + shown + ":"), preview.toString());
    assertTrue(preview.lines().contains("  v{3}(1): 1 cell (" + v.get("(2)").id() + ")"), preview.toString());
    CommandLineTest.Run removed = ok("remove-cells", url, "--user", role, "--yes");
    assertTrue(removed.lines().contains("removed 2 cells from " + sq) && removed.lines().contains(
        "removed 1 cell from v{3}(1)") && removed.out().strip().endsWith("removed 3 cells written by " + role + " from "
        + shown), removed.toString());
    assertEquals(List.of("(2)", "(3)"), List.copyOf(CommandLineTest.cellsByArguments(store(url), sq).keySet()));
    assertEquals(List.of("(-1)", "(1)"), List.copyOf(CommandLineTest.cellsByArguments(store(url), "v").keySet()));

    CommandLineTest.Run byCode = ok("remove-cells", url, "v", "--fingerprint", mineCode, "--yes");
    assertTrue(byCode.out().strip().endsWith("removed 2 cells written with code " + mineCode + " from " + shown),
        byCode.toString());
    assertEquals(Map.of(), CommandLineTest.cellsByArguments(store(url), "v"));
    assertEquals(List.of("(2)", "(3)"), List.copyOf(CommandLineTest.cellsByArguments(store(url), sq).keySet()),
        "the other blocks untouched");
    assertEquals(shown + " is sound", ok("check", url).out().strip());
  }

  private CommandLineTest.Run ok(Object... args) throws Exception {
    CommandLineTest.Run r = succeeds(args);
    runs.add(r);
    return r;
  }

  private CommandLineTest.Run failed(int status, Object... args) throws Exception {
    CommandLineTest.Run r = fails(status, args);
    runs.add(r);
    return r;
  }

  private List<String> blockNames() {
    return store(url).blocks().stream().map(BlockInfo::blockName).toList();
  }

  @Test
  void theApiNamesTheStoreByItsMaskedUrlAndHasNoDirectoryForIt() {
    MemoStore s = store(url);
    assertEquals(shown, s.location());
    assertTrue(shown.endsWith("&password=***"), shown);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, s::path);
    assertTrue(e.getMessage().contains(shown) && e.getMessage().contains("location()"), e.getMessage());
    assertTrue(s.toString().contains(shown), s.toString());
  }

  @Test
  void blocksCellsAndDuListTheDatabasesBlocks() throws Exception {
    CommandLineTest.Run blocks = ok("blocks", url);
    assertTrue(blocks.lines().get(0).matches("block +keyed by +hits +misses +cells +maxsize +errors +computing +bytes"), blocks.toString());
    assertTrue(blocks.line("v{3}(1) ").matches("v\\{3}\\(1\\) +version 3 +1 +2 +2 +1024 +1 +0 +\\d+\\.\\d KiB"), blocks.toString());
    assertTrue(blocks.line("total: 4 blocks").matches("total: 4 blocks +2 +6 +6 +1 +0 +\\d+\\.\\d KiB"), blocks.toString());

    CommandLineTest.Run cells = ok("cells", url, "v");
    assertTrue(cells.lines().get(0).startsWith("block v{3}(1) in " + shown + ": 2 cells"), cells.toString());
    String duration = CommandLineTest.DURATION;
    assertTrue(cells.lines().stream().anyMatch(l -> l.matches("\\d+ +\\(.*\\) +exception +0 +" + SIZE + " +" + duration + " +"
        + duration + " +" + Pattern.quote(server.user() + "@" + ProcessIdentity.HOST))), cells.toString());

    CommandLineTest.Run du = ok("du", url);
    assertEquals("       size  cells of", du.lines().get(0), du.toString());
    for (String name : blockNames()) {
      assertTrue(du.lines().stream().anyMatch(l -> l.matches(" *" + SIZE + "  " + Pattern.quote(name))), name + "\n" + du);
    }
    String total = du.lines().get(du.lines().size() - 1);
    assertTrue(total.matches(" *" + SIZE + "  total: \\d+ bytes in schema memokit of " + Pattern.quote(shown)), du.toString());
  }

  @Test
  void limitCheckAndTheCommandsThatRemoveCellsWorkOnADatabase() throws Exception {
    assertTrue(ok("limit", url, "1.5M").out().startsWith(shown + " keeps its cells under 1.5 MiB"));
    assertTrue(ok("du", url).lines().stream().anyMatch(l -> l.matches(" *1\\.5 MiB  limit on the cells' bytes.*")));
    assertEquals(shown + " has no byte limit", ok("limit", url, "0").out().strip());

    assertEquals(shown + " is sound", ok("check", url).out().strip());
    try (Connection c = server.admin(database); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE memokit.cells SET crc = crc + 1 WHERE id = (SELECT min(id) FROM memokit.cells)");
    }
    CommandLineTest.Run found = failed(1, "check", url);
    assertTrue(found.err().contains("1 problem in " + shown) && found.err().contains("run check --fix"), found.toString());
    assertTrue(ok("check", url, "--fix").out().contains("repaired " + shown));
    assertEquals(shown + " is sound", ok("check", url).out().strip());

    assertEquals("1 cell holding an exception removed from v{3}(1)", ok("clear-errors", url, "v").out().strip());
    String add = blockNames().stream().filter(n -> n.startsWith("add(2)#")).findFirst().orElseThrow();
    assertEquals("1 cell removed from " + add, ok("clear", url, "add").out().strip());
    CommandLineTest.Run removed = ok("remove", url, add);
    assertTrue(removed.out().startsWith("removed block " + add + " (0 cells, ") && removed.out().strip().endsWith(shown),
        removed.toString());
    CommandLineTest.Run refused = failed(2, "clear-store", url);
    assertTrue(refused.out().startsWith("clear-store would remove 3 blocks"), refused.toString());
    assertTrue(ok("clear-store", url, "--yes").out().strip().endsWith(" from " + shown));
    assertTrue(ok("blocks", url).line("total: 0 blocks").matches("total: 0 blocks +0 +0 +0 +0 +0 +0 B"));
  }

  @Test
  void aDatabaseWithoutAStoreIsRefusedAndLeftAsItWas() throws Exception {
    String empty = server.createDatabase();
    try {
      String emptyUrl = server.url(empty);
      for (String command : List.of("blocks", "du", "check")) {
        CommandLineTest.Run r = failed(1, command, emptyUrl);
        assertTrue(r.err().contains("no store in " + emptyUrl.replace(server.password(), "***")
            + ": the database has no schema memokit"), r.toString());
      }
      try (Connection c = server.admin(empty); Statement st = c.createStatement();
           ResultSet r = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'memokit'")) {
        r.next();
        assertEquals(0, r.getInt(1), "no schema was created");
      }
    } finally {
      server.dropDatabase(empty);
    }
  }

  @Test
  void anUnreachableServerAWrongPasswordAndAnotherDatabaseAreOneLineErrorsWithoutThePassword() throws Exception {
    String unreachable = url.replace(":" + server.port() + "/", ":1/");
    CommandLineTest.Run r = failed(1, "blocks", unreachable);
    assertTrue(r.err().startsWith("memokit: cannot reach store " + shown.replace(":" + server.port() + "/", ":1/")),
        r.toString());

    String wrong = "0123456789abcdef-wrong";
    CommandLineTest.Run denied = cli("blocks", url.replace(server.password(), wrong));
    runs.add(denied);
    assertEquals(1, denied.status(), denied.toString());
    assertTrue(denied.err().contains("password authentication failed") && !denied.err().contains(wrong), denied.toString());

    CommandLineTest.Run other = failed(2, "blocks", "jdbc:mysql://localhost/db?user=u&password=" + server.password());
    assertTrue(other.err().contains("not a store: jdbc:mysql://localhost/db?user=u&password=***"), other.toString());
  }
}
