package io.memokit.it;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.MemoStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    var sq = memo(s, "sq", (Integer x) -> x * x);
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
          "clear-errors STORE BLOCK", "resize STORE BLOCK N", "remove STORE BLOCK", "clear-store STORE [--yes]",
          "flags [--jshell]", "classpath", "--version")) {
        assertTrue(r.out.contains("\n  " + c + " "), c + "\n" + r);
      }
    }
    Run cells = succeeds("cells", "--help");
    assertTrue(cells.out.startsWith("usage: java -jar memokit.jar cells STORE BLOCK\n"), cells.toString());
    assertTrue(cells.out.contains("example:\n  java -jar memokit.jar cells ~/.cache/memokit 'sq(1)'\n"), cells.toString());
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
    assertTrue(cell.matches("\\d+ +\\(1, 2\\) +value +0 +" + SIZE + " +" + DURATION + " +" + DURATION), "never hit: no last hit\n" + add);
    assertEquals(add.lines(), succeeds("cells", store, "add(2)").lines());

    Run v = succeeds("cells", store, "v");
    assertTrue(v.lines().get(0).startsWith("block v{3}(1) in "), v.toString());
    assertTrue(v.lines().stream().anyMatch(l -> l.matches("\\d+ +\\(.*\\) +value +1 +" + SIZE + " +" + DURATION + " +" + DURATION + " +"
        + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d")), "a hit cell has its last hit\n" + v);
    assertTrue(v.lines().stream().anyMatch(l -> l.matches("\\d+ +\\(.*\\) +exception +0 +" + SIZE + " +" + DURATION + " +" + DURATION)), v.toString());

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
