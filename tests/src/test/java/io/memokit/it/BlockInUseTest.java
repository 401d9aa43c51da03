package io.memokit.it;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.MemoStore;
import io.memokit.Stderr;
import io.memokit.it.workers.UseWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kernels running different code under one name do not disturb each other: while a process uses
 * its block, another's {@code clearObsolete()}, the CLI's {@code remove}, {@code clear-store} and
 * {@code clear-unused} keep it and name the process using it; once that process is killed (-9),
 * its use ends with it and the block goes. On a directory store and on PostgreSQL.
 */
class BlockInUseTest {

  @TempDir
  Path tmp;

  @BeforeAll
  static void buildTheJar() throws Exception {
    CommandLineTest.buildTheJar();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aBlockInUseElsewhereIsKeptUntilItsProcessEnds(StoreKind kind) throws Exception {
    String location = kind.location(tmp);
    MemoStore s = store(location);
    try (Jvm other = Jvm.start(UseWorker.class, location)) {
      other.await(l -> l.equals("READY 2"), Duration.ofSeconds(60), "the other kernel ran its inuse.f");
      var mine = memo(s, "inuse.f", (Integer x) -> x + 2); // this kernel's code under the same name
      assertEquals(3, mine.apply(1));
      List<BlockInfo> blocks = s.blocks();
      assertEquals(2, blocks.size(), blocks.toString());
      String theirs = blocks.stream().filter(b -> !b.code().equals(mine.info().code())).findFirst().orElseThrow()
          .blockName();
      String inUse = "in use by proc " + other.pid() + " on ";

      String err = Stderr.of(() -> assertEquals(0, s.clearObsolete()));
      assertTrue(err.startsWith("memokit: kept block " + theirs + " of ") && err.contains(inUse), err);
      assertEquals(0, Stderr.of(() -> assertEquals(0, s.clearObsolete(Duration.ZERO))).lines()
          .filter(l -> !l.contains(inUse)).count(), "only the other kernel's block was a candidate");
      CommandLineTest.Run removal = CommandLineTest.fails(1, "remove", location, theirs);
      assertTrue(removal.err().contains("kept block " + theirs + ": " + inUse), removal.toString());
      String unused = CommandLineTest.succeeds("clear-unused", location, "0").out();
      assertTrue(unused.contains("kept block " + theirs + ": " + inUse), unused);
      assertTrue(unused.contains("in use by proc " + ProcessHandle.current().pid() + " on "), "this kernel's too\n" + unused);
      assertTrue(unused.contains("removed 0 blocks"), unused);
      assertEquals(2, s.blocks().size());

      other.killHard();
      // The other kernel's use ends with it: at once on a directory (the system drops its file lock),
      // as soon as the server sees its connection closed on PostgreSQL.
      long deadline = System.nanoTime() + 10_000_000_000L;
      int removed = 0;
      while (removed == 0 && System.nanoTime() < deadline) {
        removed = s.clearObsolete();
        if (removed == 0) Thread.sleep(100);
      }
      assertEquals(1, removed);
      assertEquals(List.of(mine.info().code()), s.blocks().stream().map(BlockInfo::code).toList());
      assertEquals(3, mine.apply(1));
    }
  }

  /**
   * The same in JShell, as two kernels meet it: session A runs {@code sq} and stays open; session B,
   * with other snippet numbers, defines {@code sq} with other code: it is not told that "its" code
   * changed (it never ran A's), and its {@code clearObsolete()} keeps A's block, naming A; once A has
   * ended, a later session's removes it.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSessionsBlockIsKeptWhileItRunsAndAnotherSessionIsNotToldItsCodeChanged(StoreKind kind) throws Exception {
    String location = kind.location(tmp);
    Path go = tmp.resolve("go");
    Path script = tmp.resolve("a.jsh");
    java.nio.file.Files.writeString(script, "var s = store(\"" + location + "\");\ntrace(true);\n"
        + "var sq = memo(s, \"sq\", (Integer x) -> x * x);\n"
        + "System.out.println(\"= \" + sq.apply(3));\n"
        + "System.out.println(\"READY\");\n"
        + "while (!java.nio.file.Files.exists(java.nio.file.Path.of(\"" + go + "\"))) Thread.sleep(50);\n/exit\n");
    Path out = tmp.resolve("a.out");
    Process a = new ProcessBuilder(Notebooks.ROOT.resolve("bin/jshell").toString(), script.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!java.nio.file.Files.readString(out).contains("READY") && a.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String shown = java.nio.file.Files.readString(out);
      assertTrue(shown.contains("READY"), shown);
      java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\\[proc (\\d+) @").matcher(shown);
      assertTrue(pid.find(), shown);

      JShellSessions sessions = new JShellSessions(tmp, location);
      List<String> b = sessions.run("""
          int a = 1;
          String b = "two";
          var sq = memo(s, "sq", (Integer x) -> x * x * x);
          System.out.println("= " + sq.apply(3));
          System.out.println("= " + s.clearObsolete());
          """);
      List<String> seen = JShellSessions.seen(b);
      assertEquals(List.of("sq MISS(2)", "= 27"), seen.subList(0, 2), String.join("\n", b));
      assertTrue(seen.get(2).startsWith("memokit: kept block sq(1)#") && seen.get(2).contains(" in use by proc "
          + pid.group(1) + " on "), String.join("\n", b));
      assertEquals("= 0", seen.get(3), String.join("\n", b));
      assertEquals(4, seen.size(), String.join("\n", b));
    } finally {
      java.nio.file.Files.writeString(go, "go");
      if (!a.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) a.destroyForcibly();
    }
    List<String> c = new JShellSessions(tmp, location).run("""
        var sq = memo(s, "sq", (Integer x) -> x * x * x);
        System.out.println("= " + s.clearObsolete());
        """);
    assertEquals(List.of("= 1"), JShellSessions.seen(c), String.join("\n", c));
  }
}
