package io.memokit.it;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Memo.MemoFn1;
import io.memokit.MemoStore;
import io.memokit.storage.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar toolkit/target/memokit.jar ...} as a user runs it (bin/build makes the jar
 * first): every command, its exit status (0 done, 1 failed, 2 wrong command line), errors as one
 * line {@code memokit: ...} and never a stack trace, and read-only commands never creating a store.
 */
@Tag("quick")
class CommandLineTest {

  private static final Path JAR = Notebooks.ROOT.resolve("toolkit/target/memokit.jar");
  static final String SIZE = "\\d+(\\.\\d)? (B|KiB|MiB|GiB)";
  static final String DURATION = "(\\d+ (\u00b5s|ms)|\\d+\\.\\d s)";
  /** A cell's writer as a cell table shows it: {@code alice@host-a}. */
  static final String WRITTEN_BY = "[^ ]+@[^ ]+";
  /** The processes of these tests as cell tables name them (the OS user at this host), quoted for a pattern. */
  static final String THIS_USER_HERE = Pattern.quote(System.getProperty("user.name") + "@" + ProcessIdentity.HOST);

  @TempDir
  Path tmp;

  /** The fixture's store, filled once for the class by a process that then ended; each test gets a copy. */
  @TempDir
  static Path filled;

  /** What one run printed, and its exit status. */
  record Run(int status, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    String line(String prefix) {
      return lines().stream().filter(l -> l.startsWith(prefix)).findFirst()
          .orElseThrow(() -> new AssertionError("no line " + prefix + "\n" + this));
    }

    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  @BeforeAll
  static void buildTheJar() throws Exception { // also run by PostgresCommandLineTest
    Process p = new ProcessBuilder(Notebooks.ROOT.resolve("bin/build").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), "bin/build\n" + out);
  }

  static Run cli(Object... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    for (Object a : args) cmd.add(String.valueOf(a));
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "memokit " + cmd.subList(4, cmd.size()) + " finished within 60 s");
      Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
      assertFalse(r.err.contains("\tat ") || r.err.contains("Exception in thread") || r.err.contains("Caused by"),
          "no stack trace\n" + r);
      if (r.status != 0) {
        assertEquals(1, r.err.lines().count(), "an error is one line\n" + r);
        assertTrue(r.err.startsWith("memokit: "), r.toString());
      }
      return r;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Run fails(int status, Object... args) throws Exception {
    Run r = cli(args);
    assertEquals(status, r.status, r.toString());
    return r;
  }

  static Run succeeds(Object... args) throws Exception {
    Run r = cli(args);
    assertEquals(0, r.status, r.toString());
    assertEquals("", r.err, r.toString());
    return r;
  }

  /**
   * A store with: sq(1) under two codes (cells 2 and 3 with a hit on 2; cell 2 again under the
   * other code), add(2) (one cell, never hit), v{3}(1) (a value hit once and a stored exception).
   */
  private Path fixture() throws Exception {
    Path template = filled.resolve("store");
    synchronized (CommandLineTest.class) {
      if (!Files.exists(template)) StoreFiller.fillInAnotherProcess(template.toString());
    }
    Path dir = tmp.resolve("store");
    try (Stream<Path> all = Files.walk(template)) { // parents first; each file with its times and permissions
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.copy(p, dir.resolve(template.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return dir;
  }

  /**
   * Fills {@code s} as {@link #fixture} describes; {@link StoreFiller} runs it in a process that then
   * ends (PostgresCommandLineTest fills a database so).
   */
  static void fill(MemoStore s) {
    var sq = sq(s);
    sq.apply(2);
    sq.apply(3);
    sq.apply(2);
    memo(s, "sq", (Integer x) -> x * x * x).apply(2);
    memo(s, "add", (Integer x, Integer y) -> x + y).apply(1, 2);
    var v = memo(s, version("v", 3, (Integer x) -> {
      if (x < 0) throw new IllegalStateException("negative");
      return new int[5000];
    }));
    v.apply(1);
    v.apply(1);
    assertThrows(IllegalStateException.class, () -> v.apply(-1));
    s.blocks(); // publishes this process's hits to the store
  }

  /** sq as {@link #fill} and {@link #fillAsColleague} define it: the same code, so the same block. */
  static MemoFn1<Integer, Integer> sq(MemoStore s) {
    return memo(s, "sq", (Integer x) -> x * x);
  }

  /**
   * A colleague's cells in a store {@link #fill} filled: sq(5) and sq(6) in the block of sq's code
   * {@code x * x}, and v{3}(2) computed by other code under the same version (a value too large for
   * its block's values log: a file of its own). {@link StoreFiller} runs it in a process of its own.
   */
  static void fillAsColleague(MemoStore s) {
    var sq = sq(s);
    sq.apply(5);
    sq.apply(6);
    memo(s, version("v", 3, (Integer x) -> new int[5000 + x])).apply(2);
    s.blocks(); // publishes this process's hits to the store
  }

  private static List<String> blockNames(Path store) {
    return store(store).blocks().stream().map(BlockInfo::blockName).toList();
  }

  private static List<String> sqNames(Path store) {
    return blockNames(store).stream().filter(n -> n.startsWith("sq(1)#")).toList();
  }

  @Test
  void helpAndNoArgumentsPrintUsageAndVersionPrintsTheProjectVersion() throws Exception {
    for (Object[] args : List.of(new Object[0], new Object[] {"--help"}, new Object[] {"-h"})) {
      Run r = succeeds(args);
      assertTrue(r.out.startsWith("usage: java -jar memokit.jar COMMAND"), r.toString());
      for (String c : List.of("blocks STORE", "cells STORE BLOCK", "du STORE", "clear STORE BLOCK",
          "clear-errors STORE BLOCK", "remove-cells STORE [BLOCK]", "resize STORE BLOCK N", "remove STORE BLOCK",
          "clear-store STORE [--yes]",
          "flags [--jshell]", "classpath", "--version")) {
        assertTrue(r.out.contains("\n  " + c + " "), c + "\n" + r);
      }
    }
    Run cells = succeeds("cells", "--help");
    assertTrue(cells.out.startsWith("usage: java -jar memokit.jar cells STORE BLOCK [--long] [--host HOST] [--user USER]\n"
        + " ".repeat(29) + "[--fingerprint CODE]\n"), cells.toString());
    assertTrue(cells.out.contains("example:\n  java -jar memokit.jar cells ~/.cache/memokit 'sq(1)' --host host-a --long\n"),
        cells.toString());
    assertEquals(cells.out, succeeds("cells", "-h").out);
    assertTrue(succeeds("check", "-h").out.contains("\n  --fix "), "a command's help lists its options");
    Run v = succeeds("--version");
    assertTrue(v.out.strip().matches("memokit \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), v.toString());
  }

  @Test
  void wrongCommandLinesExitWith2AndOneLine() throws Exception {
    Path store = fixture();
    assertTrue(fails(2, "blcks", store).err.contains("unknown command blcks"));
    assertTrue(fails(2, "--frobnicate").err.contains("unknown option --frobnicate"));
    assertTrue(fails(2, "cells", store).err.contains("missing BLOCK"));
    assertTrue(fails(2, "blocks").err.contains("missing STORE"));
    assertTrue(fails(2, "blocks", store, "extra").err.contains("unexpected argument extra"));
    assertTrue(fails(2, "blocks", store, "--yes").err.contains("unknown option --yes"));
    assertTrue(fails(2, "resize", store, "add", "many").err.contains("N must be a whole number"));
    assertTrue(fails(2, "resize", store, "add", "0").err.contains("N must be a whole number"));
  }

  @Test
  void aPathThatIsNotAStoreIsRefusedAndNeverCreated() throws Exception {
    Path typo = tmp.resolve("stroe");
    for (String command : List.of("blocks", "du", "clear-store")) {
      assertTrue(fails(1, command, typo).err.contains("no store at " + typo), command);
    }
    assertTrue(fails(1, "cells", typo, "f").err.contains("no store at " + typo));
    assertTrue(fails(1, "remove", typo, "f").err.contains("no store at " + typo));
    assertFalse(Files.exists(typo), "the mistyped path was not created");

    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertTrue(fails(1, "blocks", empty).err.contains(empty + " is not a memokit store"));
    try (Stream<Path> entries = Files.list(empty)) {
      assertEquals(0, entries.count(), "an empty directory was not made a store");
    }
    Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
    assertEquals("memokit: store path is a file, not a directory: " + file, fails(1, "blocks", file).err.strip());
    assertEquals("memokit: store path " + file.resolve("store") + ": its parent is a file, not a directory: " + file,
        fails(1, "blocks", file.resolve("store")).err.strip());
    assertEquals("x", Files.readString(file), "the file is left as it was");
  }

  @Test
  void blocksListsEveryBlockWithHumanSizesAndATotal() throws Exception {
    Path store = fixture();
    Run r = succeeds("blocks", store);
    assertTrue(r.lines().get(0).matches("block +keyed by +hits +misses +cells +maxsize +errors +computing +bytes"), r.toString());
    assertEquals(2 + 4, r.lines().size(), r.toString());
    for (String name : blockNames(store)) {
      assertTrue(r.line(name + " ").matches(".* " + SIZE), r.toString());
    }
    assertTrue(r.line("v{3}(1) ").matches("v\\{3}\\(1\\) +version 3 +1 +2 +2 +1024 +1 +0 +\\d+\\.\\d KiB"), r.toString());
    // hits 1 (sq) + 1 (v); misses 2 + 1 + 1 + 2; cells 2 + 1 + 1 + 2; errors 1
    assertTrue(r.line("total: 4 blocks").matches("total: 4 blocks +2 +6 +6 +1 +0 +\\d+\\.\\d KiB"), r.toString());
  }

  @Test
  void cellsNamesABlockWithoutItsCodeOrArityWhenUnambiguousAndLeavesANeverHitCellsLastHitEmpty() throws Exception {
    Path store = fixture();
    Run add = succeeds("cells", store, "add");
    assertTrue(add.lines().get(0).startsWith("block add(2)#"), add.toString());
    String cell = add.lines().get(2);
    assertTrue(cell.matches("\\d+ +\\(1, 2\\) +value +0 +" + SIZE + " +" + DURATION + " +" + DURATION + " +" + THIS_USER_HERE),
        "never hit: no last hit; written by this test's user here\n" + add);
    assertEquals(add.lines(), succeeds("cells", store, "add(2)").lines());

    Run v = succeeds("cells", store, "v");
    assertTrue(v.lines().get(0).startsWith("block v{3}(1) in "), v.toString());
    assertTrue(v.lines().stream().anyMatch(l -> l.matches("\\d+ +\\(.*\\) +value +1 +" + SIZE + " +" + DURATION + " +" + DURATION + " +"
        + WRITTEN_BY + " +"
        + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d")), "a hit cell has its last hit\n" + v);
    assertTrue(v.lines().stream().anyMatch(l -> l.matches("\\d+ +\\(.*\\) +exception +0 +" + SIZE + " +" + DURATION + " +" + DURATION
        + " +" + WRITTEN_BY)), v.toString());

    List<String> sq = sqNames(store);
    assertEquals(2, sq.size(), sq.toString());
    for (String ambiguous : List.of("sq", "sq(1)")) {
      String err = fails(1, "cells", store, ambiguous).err;
      assertTrue(err.contains(ambiguous + " names 2 blocks") && err.contains(sq.get(0)) && err.contains(sq.get(1)), err);
    }
    Run one = succeeds("cells", store, sq.get(0));
    assertTrue(one.lines().get(0).startsWith("block " + sq.get(0) + " in "), one.toString());
    String none = fails(1, "cells", store, "nope").err;
    assertTrue(none.contains("no block nope in") && none.contains("add(2)#"), none);
  }

  // ---- where cells came from: a colleague's cells beside this test's ----------------------------

  /**
   * The fixture, with a colleague's cells added by a process that says its user is
   * {@code colleague} ({@link #fillAsColleague}): in the sq block of code {@code x * x}, sq(5) and
   * sq(6); in v{3}(1), v(2), computed by other code, in a file of its own.
   */
  private Path fixtureWithAColleague() throws Exception {
    Path store = fixture();
    StoreFiller.addColleaguesCellsInAnotherProcess(store.toString(), List.of("-Duser.name=colleague"));
    return store;
  }

  /** The cells of {@code block} in {@code store}, as the API lists them, by their arguments. */
  static Map<String, CellInfo> cellsByArguments(MemoStore store, String block) {
    Map<String, CellInfo> cells = new TreeMap<>();
    for (CellInfo c : store.block(block).cells()) cells.put(c.arguments(), c);
    return cells;
  }

  /** The line of a cell table whose arguments are {@code arguments}. */
  static String row(Run r, String arguments) {
    return r.lines().stream().filter(l -> l.matches("\\d+ +" + Pattern.quote(arguments) + " .*")).findFirst()
        .orElseThrow(() -> new AssertionError("no cell " + arguments + "\n" + r));
  }

  /** The sq block of code {@code x * x}: the one that holds sq(2) and sq(3) ({@link #fill}). */
  private static String squares(Path store) {
    return sqNames(store).stream().filter(n -> cellsByArguments(store(store), n).containsKey("(3)")).findFirst()
        .orElseThrow();
  }

  private static final String TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";
  private static final String HERE = Pattern.quote(ProcessIdentity.HOST);

  @Test
  void cellsSayWhoWroteEachLongSaysEverythingAndTheOptionsPickCells() throws Exception {
    Path store = fixtureWithAColleague();
    String sq = squares(store);
    Run cells = succeeds("cells", store, sq);
    assertTrue(cells.lines().get(1).matches("cell +arguments +state +hits +bytes +CPU +wall +written by +last hit"),
        cells.toString());
    for (String mine : List.of("(2)", "(3)")) {
      assertTrue(row(cells, mine).matches(".* " + THIS_USER_HERE + "( +" + TIME + ")?"), cells.toString());
    }
    for (String theirs : List.of("(5)", "(6)")) {
      assertTrue(row(cells, theirs).matches(".* colleague@" + HERE), "the user its process reported\n" + cells);
    }

    String me = Pattern.quote(System.getProperty("user.name"));
    Map<String, CellInfo> v = cellsByArguments(store(store), "v");
    String mineCode = v.get("(1)").origin().code();
    String theirCode = v.get("(2)").origin().code();
    assertTrue(mineCode.matches("[0-9a-f]{16}") && theirCode.matches("[0-9a-f]{16}") && !mineCode.equals(theirCode),
        "a versioned function's cells name the code that computed each: " + v);
    Run detail = succeeds("cells", store, "v", "--long");
    assertTrue(detail.lines().get(1).matches("cell +arguments +state +user +host +pid +written +JDK +memokit +code"),
        detail.toString());
    String rest = " +" + HERE + " +\\d+ +" + TIME + " +" + Pattern.quote(Runtime.version().toString()) + " +\\S+ +";
    assertTrue(row(detail, "(1)").matches("\\d+ +\\(1\\) +value +" + me + rest + mineCode), detail.toString());
    assertTrue(row(detail, "(-1)").matches("\\d+ +\\(-1\\) +exception +" + me + rest + mineCode), detail.toString());
    assertTrue(row(detail, "(2)").matches("\\d+ +\\(2\\) +value +" + me + " \\(reported colleague\\)" + rest + theirCode),
        "a cell in a file of its own is its file owner's, whatever its process said\n" + detail);

    Run theirs = succeeds("cells", store, sq, "--user", "colleague");
    assertTrue(theirs.lines().get(0).startsWith("block " + sq + " in ")
        && theirs.lines().get(0).contains(": 2 of 4 cells written by colleague, keyed by code "), theirs.toString());
    assertEquals(2 + 2, theirs.lines().size(), theirs.toString());
    row(theirs, "(5)");
    row(theirs, "(6)");
    Run byCode = succeeds("cells", store, "v", "--fingerprint", mineCode, "--long");
    assertEquals(2 + 2, byCode.lines().size(), byCode.toString());
    assertTrue(byCode.lines().get(0).contains(": 2 of 3 cells written with code " + mineCode + ","), byCode.toString());
    Run combined = succeeds("cells", store, "v", "--host", ProcessIdentity.HOST, "--user",
        System.getProperty("user.name"));
    assertTrue(combined.lines().get(0).contains(": 3 of 3 cells written by "), combined.toString());
    assertTrue(succeeds("cells", store, "v", "--host", "elsewhere").lines().get(0).contains(": 0 of 3 cells"));

    assertTrue(fails(2, "cells", store, "v", "--host").err.contains("cells: --host needs a value: --host HOST"));
    assertTrue(fails(2, "cells", store, "v", "--user", "").err.contains("cells: --user is empty"));
    assertTrue(fails(2, "cells", store, "v", "--owner", "x").err.contains("cells: unknown option --owner"));
  }

  @Test
  void removeCellsRemovesWhatItsOptionsPickAndLeavesEveryOtherCell() throws Exception {
    Path store = fixtureWithAColleague();
    String sq = squares(store);
    String cubes = sqNames(store).stream().filter(n -> !n.equals(sq)).findFirst().orElseThrow();
    Map<String, CellInfo> v = cellsByArguments(store(store), "v");
    Map<String, Integer> before = cellCounts(store);
    assertEquals(Map.of(sq, 4, cubes, 1, "v{3}(1)", 3), before.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("add")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
            Map.Entry::getValue)));

    assertEquals("memokit: remove-cells: say which cells to remove: --host HOST, --user USER or --fingerprint CODE (one "
        + "or more)", fails(2, "remove-cells", store, "--yes").err.strip());
    Run preview = fails(2, "remove-cells", store, "--user", "colleague");
    Map<String, CellInfo> squares = cellsByArguments(store(store), sq);
    assertTrue(preview.out.startsWith("remove-cells would remove 2 cells ("), preview.toString());
    assertTrue(preview.lines().get(0).endsWith(") written by colleague from " + store.toRealPath() + ":"), preview.toString());
    assertEquals("  " + sq + ": 2 cells (" + squares.get("(5)").id() + ", " + squares.get("(6)").id() + ")",
        preview.lines().get(1), preview.toString());
    assertEquals(2, preview.lines().size(), "only the block that has some: " + preview);
    assertTrue(preview.err.contains("--yes"), preview.toString());
    assertEquals(before, cellCounts(store), "nothing removed without --yes");

    Run byUser = succeeds("remove-cells", store, "--user", "colleague", "--yes");
    assertEquals(List.of("removed 2 cells from " + sq, "removed 2 cells written by colleague from " + store.toRealPath()),
        byUser.lines());
    assertEquals(List.of("(2)", "(3)"), List.copyOf(cellsByArguments(store(store), sq).keySet()));
    assertEquals(v.keySet(), cellsByArguments(store(store), "v").keySet(),
        "v(2), whose file is this user's, is not the colleague's to lose");

    String theirCode = v.get("(2)").origin().code();
    Run byCode = succeeds("remove-cells", store, "v", "--fingerprint", theirCode, "--yes");
    assertTrue(byCode.out.endsWith("removed 1 cell written with code " + theirCode + " from " + store.toRealPath() + "\n"),
        byCode.toString());
    assertEquals(List.of("(-1)", "(1)"), List.copyOf(cellsByArguments(store(store), "v").keySet()));

    String cubeCode = cubes.substring(cubes.indexOf('#') + 1);
    Run both = succeeds("remove-cells", store, "--host", ProcessIdentity.HOST, "--fingerprint", cubeCode, "--yes");
    assertTrue(both.out.startsWith("removed 1 cell from " + cubes + "\n"), both.toString());
    assertEquals(store.toRealPath() + " has no cell written on host elsewhere: nothing to remove",
        succeeds("remove-cells", store, "--host", "elsewhere", "--yes").out.strip());

    Map<String, Integer> after = cellCounts(store);
    assertEquals(2, after.get(sq));
    assertEquals(0, after.get(cubes));
    assertEquals(2, after.get("v{3}(1)"));
    assertEquals(before.entrySet().stream().filter(e -> e.getKey().startsWith("add")).toList(),
        after.entrySet().stream().filter(e -> e.getKey().startsWith("add")).toList(), "add(2) untouched");
    assertTrue(succeeds("check", store).out().contains("is sound"));
  }

  /** Each block's number of cells. */
  private static Map<String, Integer> cellCounts(Path store) {
    Map<String, Integer> counts = new TreeMap<>();
    for (BlockInfo b : store(store).blocks()) counts.put(b.blockName(), b.size());
    return counts;
  }

  @Test
  void duCountsEveryFileUnderTheStorePerBlockAndInTotal() throws Exception {
    Path store = fixture();
    Run r = succeeds("du", store);
    long expected;
    try (Stream<Path> files = Files.walk(store)) {
      expected = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    String total = r.lines().get(r.lines().size() - 1);
    assertTrue(total.matches(" *" + SIZE + "  total: " + expected + " bytes under " + store.toRealPath()), r.toString());
    for (String name : blockNames(store)) {
      assertTrue(r.lines().stream().anyMatch(l -> l.matches(" *" + SIZE + "  " + java.util.regex.Pattern.quote(name))),
          name + "\n" + r);
    }
  }

  @Test
  void clearClearErrorsResizeAndRemoveChangeOneBlock() throws Exception {
    Path store = fixture();
    assertEquals("1 cell holding an exception removed from v{3}(1)", succeeds("clear-errors", store, "v").out.strip());
    String add = blockNames(store).stream().filter(n -> n.startsWith("add(2)#")).findFirst().orElseThrow();
    assertEquals("1 cell removed from " + add, succeeds("clear", store, "add").out.strip());
    String sq = sqNames(store).stream().filter(n -> store(store).blocks().stream()
        .anyMatch(b -> b.blockName().equals(n) && b.size() == 2)).findFirst().orElseThrow();
    assertEquals(sq + " keeps at most 1 cell; 1 cell evicted", succeeds("resize", store, sq, 1).out.strip());
    Run blocks = succeeds("blocks", store);
    assertTrue(blocks.line("total: 4 blocks").matches("total: 4 blocks +\\d+ +\\d+ +3 +0 +.*"), blocks.toString());

    Run removed = succeeds("remove", store, sq);
    assertTrue(removed.out.startsWith("removed block " + sq + " (1 cell, "), removed.toString());
    assertFalse(blockNames(store).contains(sq), blockNames(store).toString());
    assertEquals(1, sqNames(store).size());
    assertTrue(succeeds("cells", store, "sq").lines().get(0).startsWith("block sq(1)#"), "sq is now unambiguous");
  }

  @Test
  void clearStoreRefusesWithoutYesSayingWhatItWouldRemove() throws Exception {
    Path store = fixture();
    List<String> before = blockNames(store);
    Run refused = fails(2, "clear-store", store);
    assertTrue(refused.out.startsWith("clear-store would remove 4 blocks (6 cells, "), refused.toString());
    for (String name : before) assertTrue(refused.lines().contains("  " + name), name + "\n" + refused);
    assertTrue(refused.err.contains("--yes"), refused.toString());
    assertEquals(before, blockNames(store), "nothing removed");

    Run done = succeeds("clear-store", store, "--yes");
    assertTrue(done.out.startsWith("removed 4 blocks (6 cells, "), done.toString());
    assertTrue(Files.exists(store.resolve("memokit.store")), "the store itself stays");
    assertTrue(succeeds("blocks", store).line("total: 0 blocks").matches("total: 0 blocks +0 +0 +0 +0 +0 +0 B"));
    assertEquals(store.toRealPath() + " has no blocks: nothing to remove", succeeds("clear-store", store).out.strip());
  }

  @Test
  void flagsAndClasspathStillWork() throws Exception {
    assertTrue(succeeds("flags").out.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"));
    assertTrue(succeeds("flags", "--jshell").out.startsWith("-R--add-opens="));
    assertTrue(succeeds("classpath").out.strip().startsWith(JAR.toString()));
  }

  @Test
  void limitKeepsTheStoreUnderASizeAndDuShowsIt() throws Exception {
    Path store = fixture();
    Run set = succeeds("limit", store, "1.5M");
    assertTrue(set.out().contains("keeps its cells under 1.5 MiB (1572864 bytes); 0 cells evicted now"), set.toString());
    assertTrue(succeeds("du", store).lines().stream().anyMatch(l -> l.matches(" *1\\.5 MiB  limit on the cells' bytes.*")),
        "du shows the limit");
    Run all = succeeds("limit", store, "1");
    assertTrue(all.out().matches("(?s).*keeps its cells under 1 B \\(1 bytes\\); [1-9]\\d* cells? evicted now.*"), all.toString());
    assertTrue(succeeds("limit", store, "0").out().contains("has no byte limit"));
    assertTrue(succeeds("limit", store, "1.5gb").out().contains("under 1.5 GiB (1610612736 bytes)"), "units: powers of 1024");
    String wrong = fails(2, "limit", store, "lots").err();
    assertTrue(wrong.contains("limit: SIZE must be a size, not lots: ") && wrong.contains("powers of 1024"), wrong);
  }

  @Test
  void checkSaysASoundStoreIsSoundAndRepairsADamagedOne() throws Exception {
    Path store = fixture();
    assertTrue(succeeds("check", store).out().contains("is sound"));
    Path block;
    try (Stream<Path> blocks = Files.list(store.resolve("blocks"))) {
      block = blocks.filter(b -> b.getFileName().toString().startsWith("add(")).findFirst().orElseThrow();
    }
    Path log;
    try (Stream<Path> files = Files.list(block)) {
      log = files.filter(f -> f.getFileName().toString().startsWith("values.")).findFirst().orElseThrow();
    }
    try (var raf = new java.io.RandomAccessFile(log.toFile(), "rw")) {
      raf.seek(8);
      raf.write(new byte[8]); // the value of the block's first record (its small values are records of the log)
    }
    Run found = fails(1, "check", store);
    assertTrue(found.out().contains("has a damaged record"), found.toString());
    assertTrue(found.err().contains("1 problem in ") && found.err().contains("run check --fix"), found.toString());
    Run fixed = succeeds("check", store, "--fix");
    assertTrue(fixed.out().contains("(slot freed)") && fixed.out().contains("repaired "), fixed.toString());
    assertTrue(succeeds("check", store).out().contains("is sound"));
  }
}
