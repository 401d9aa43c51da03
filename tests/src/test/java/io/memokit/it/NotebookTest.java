package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks, executed headless on fresh stores with the memokit kernel on the tests' JDK: their
 * traces, their HTML tables, no error output; and the two-kernel notebooks on one store, B started
 * while A computes, B waiting for A's cell, and either kernel waiting for the other's.
 */
@Tag("both-jdks")
class NotebookTest {

  @TempDir
  Path tmp;

  @BeforeAll
  static void kernelInstalled() throws Exception {
    Notebooks.kernel();
  }

  private static void assertNoErrors(List<String> out) {
    assertTrue(out.stream().noneMatch(l -> l.contains(" error: ")), "error outputs:\n" + String.join("\n", out));
  }

  @Test
  void cacheDemoShowsTheFourDemosTraces() throws Exception {
    List<String> out = Notebooks.start("cache-demo.ipynb", tmp, Map.of("MEMOKIT_NB_STORE", tmp.resolve("s").toString()))
        .outputs(300);
    assertNoErrors(out);
    List<String> events = Notebooks.events(out).stream().map(e -> e.substring(e.indexOf(' ') + 1)).toList();
    assertEquals(List.of("simplefunc MISS(1)", "simplefunc HIT(1)",
        "longfunc MISS(2)", "longfunc WAIT(2)", "longfunc HIT(2)", "longfunc MISS(3)", "longfunc HIT(3)",
        "vfunc MISS(4)", "vfunc MISS(5)",
        "stepB MISS(6)", "stepB MISS(7)", "stepA MISS(8)", "stepB MISS(9)",
        "stepB MISS(10)", "stepB HIT(7)", "stepA HIT(8)", "stepB HIT(9)",
        "stepB MISS(11)", "stepB HIT(7)", "stepA HIT(8)", "stepB MISS(12)", "stepA HIT(8)",
        "stepB HIT(6)"), events, String.join("\n", out));
    String all = String.join("\n", out);
    // plain values as their text (text/plain only), not as the kernel's List12{size:2,[1,2]} in HTML
    for (String result : List.of("3 text: [1, 2]", "4 text: [1, 2]", "6 text: 42", "7 text: raised[longfunc error]",
        "10 text: [4, 5]", "12 text: 14", "13 text: 15", "14 text: 17")) {
      assertTrue(all.contains(result), "result " + result + "\n" + all);
    }
    assertTrue(all.contains("class=\"memokit-expr\"") && all.contains("<i>incarnated</i>"), "expression tree");
    assertTrue(all.contains("<b>memokit store</b>") && all.contains("stepB"), "store table");
  }

  @Test
  void manageCacheShowsTablesAndManages() throws Exception {
    List<String> out = Notebooks.start("manage-cache.ipynb", tmp, Map.of("MEMOKIT_NB_STORE", tmp.resolve("s").toString()))
        .outputs(300);
    assertNoErrors(out);
    String all = String.join("\n", out);
    for (String header : List.of(">block<", ">keyed by<", ">hits<", ">misses<", ">maxsize<", ">cells<", ">bytes<", ">cell<",
        ">last hit<", ">CPU<", ">wall<")) {
      assertTrue(all.contains(header), "table header " + header + "\n" + all);
    }
    assertTrue(all.contains("&#9888; exception"), "stored exceptions are marked");
    assertTrue(all.contains("text: errors cleared: 4, obsolete blocks removed: 1"), all);
    assertTrue(all.contains("evicted: 8"), all);
    assertTrue(out.stream().anyMatch(l -> l.matches("\\d+ stream: .*square\\(1\\)> OVERFLOW\\(1\\)")), all);
    Matcher bar = Pattern.compile("square\\(1\\): 200/200 calls, (\\d+) hits, (\\d+) misses \\(done\\)").matcher(all);
    assertTrue(bar.find(), "the progress bar's final state\n" + all);
    assertEquals(200, Integer.parseInt(bar.group(1)) + Integer.parseInt(bar.group(2)));
    assertTrue(all.contains("text: cached: true, peek: Optional[49], forgotten: true, cached now: false"), all);
    assertTrue(all.contains("text: fib(80) = 23416728348467685, cells: 81"), all);
    assertTrue(all.contains("text: fresh(8) = 64, cached for a handle accepting a minute at most: true"), all);
  }

  @Test
  void theKernelRunsOnTheTestsJdkWithTheFlagsMemokitWantsThere() throws Exception {
    // On JDK 24+ the flags include --sun-misc-unsafe-memory-access=allow: without it the kernel's JVM
    // warns when FST first stores a value (outputs() fails on any JVM warning, too).
    List<String> out = Notebooks.start("flags.ipynb", List.of(String.join("\n",
        "var jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();",
        "System.out.println(\"JDK \" + Runtime.version().feature() + \", flags missing: \""
            + " + jvmFlags().stream().filter(f -> !jvmArgs.contains(f)).toList());")), tmp, Map.of()).outputs(120);
    assertEquals(List.of("0 stream: JDK " + Runtime.version().feature() + ", flags missing: []"), out);
  }

  @Test
  void twoKernelsOnOneStoreWaitForEachOther() throws Exception {
    // As the notebooks say: A first, then B while A computes its second cell (15 s), i.e. once A's
    // slow body has written its line to the side file, as a user sees A's cell running.
    Path side = tmp.resolve("side.txt");
    Map<String, String> env = Map.of("MEMOKIT_NB_STORE", tmp.resolve("shared").toString(),
        "MEMOKIT_NB_SIDE", side.toString());
    Notebooks.Run a = Notebooks.start("kernel-a.ipynb", tmp.resolve("a"), env);
    a.awaitLine(side, "slow 42 ran in ", 120);
    Notebooks.Run b = Notebooks.start("kernel-b.ipynb", tmp.resolve("b"), env);
    List<String> outA = a.outputs(300);
    List<String> outB = b.outputs(300);
    assertNoErrors(outA);
    assertNoErrors(outB);
    List<String> eventsA = Notebooks.events(outA).stream().map(e -> e.substring(e.indexOf(' ') + 1)).toList();
    List<String> eventsB = Notebooks.events(outB).stream().map(e -> e.substring(e.indexOf(' ') + 1)).toList();
    String both = "A:\n" + String.join("\n", outA) + "\nB:\n" + String.join("\n", outB);
    // The slow cell: A computes it, B (started while it runs) waits for it, then hits.
    assertEquals("slow MISS(1)", eventsA.get(0), both);
    assertEquals(List.of("slow WAIT(1)", "slow HIT(1)"), eventsB.subList(0, Math.min(2, eventsB.size())), both);
    // The failing cell: A asks as soon as its slow cell is done, B once its next cell runs. A is
    // usually first, but either may be: the first computes it, the other waits for it and raises
    // the stored exception. Never both, never neither.
    List<String> failingA = eventsA.subList(1, eventsA.size());
    List<String> failingB = eventsB.subList(Math.min(2, eventsB.size()), eventsB.size());
    List<String> computes = List.of("failing MISS(2)");
    List<String> waits = List.of("failing WAIT(2)", "failing HIT(2)");
    boolean aComputed = failingA.equals(computes) && failingB.equals(waits);
    assertTrue(aComputed || failingB.equals(computes) && failingA.equals(waits),
        "one kernel computes the failing cell, the other waits for it: " + eventsA + " / " + eventsB + "\n" + both);
    assertTrue(outA.contains("2 stream: slow(42) = 42000") && outA.contains("2 stream: raised[failing 7 failed]"), both);
    assertTrue(outB.contains("2 text: 42000"), both);
    assertTrue(outB.contains("3 stream: raised[failing 7 failed]"), both);
    List<String> ran = Files.readAllLines(side);
    String pidA = pid(outA, "1 text: kernel A, pid ");
    String pidB = pid(outB, "1 text: kernel B, pid ");
    assertEquals(List.of("slow 42 ran in " + pidA, "failing 7 ran in " + (aComputed ? pidA : pidB)), ran,
        "each body ran once, in the kernel whose trace says MISS\n" + both);
  }

  private static String pid(List<String> out, String prefix) {
    return out.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
  }
}
