package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.SweepWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's cooperative sweeps, with real JVMs on one store (directory and PostgreSQL): three
 * processes sweeping the same 24 inputs of a 0.4 s function split the work with no coordinator,
 * each input computed once and every process returning all 24 results in order, in about a third
 * of one process's time; a process killed with kill -9 mid-sweep leaves the cell it was computing
 * to the others, which finish the sweep.
 *
 * <p>One process alone would take 9.6 s (24 inputs of 0.4 s, one at a time): the tests do not run
 * it, and compare with that nominal 9.6 s. The three processes start their sweeps together, once
 * each has opened the store, so that the time measured is the sweep's and not the JVMs' start.
 */
class SweepAcrossProcessesTest {

  private static final int INPUTS = 24;
  private static final long DELAY_MS = 400;
  private static final double ONE_JVM_SECONDS = INPUTS * DELAY_MS / 1000.0;
  private static final Pattern DONE = Pattern.compile(
      "sweep\\.f\\(1\\): (\\d+)/(\\d+) inputs, (\\d+) hit, (\\d+) computed here, (\\d+) computed elsewhere \\(done\\)");

  @TempDir
  Path tmp;
  /** The sweeping processes of a test, killed after it if still running. */
  private final List<Jvm> jvms = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Jvm j : jvms) j.close();
  }

  /**
   * Starts three processes sweeping {@code sweep.f} over the inputs on {@code store}, from the same
   * moment once all three are ready; returns its side log.
   */
  private Path startThreeSweeps(String store) throws Exception {
    Path side = Files.createFile(tmp.resolve("side"));
    for (int p = 0; p < 3; p++) jvms.add(Jvm.start(SweepWorker.class, store, side, INPUTS, DELAY_MS));
    for (Jvm j : jvms) j.await("READY"::equals, Duration.ofSeconds(60), "READY");
    for (Jvm j : jvms) j.send("GO");
    return side;
  }

  /** A sweeping process's progress line at the end: [done, total, hit, computed here, computed elsewhere]. */
  private static long[] counts(Jvm j) {
    for (String l : j.lines()) {
      Matcher m = DONE.matcher(l);
      if (m.matches()) {
        long[] c = new long[5];
        for (int i = 0; i < 5; i++) c[i] = Long.parseLong(m.group(i + 1));
        return c;
      }
    }
    throw new AssertionError("no final progress line\n" + j.describe());
  }

  private static long events(Jvm j, String kind) {
    return j.lines().stream().filter(l -> l.contains("> " + kind + "(")).count();
  }

  /** A sweeping process ended well: all the results in input order, and a progress line that adds up to them. */
  private static long[] assertSwept(Jvm j) throws InterruptedException {
    assertEquals(0, j.exit(Duration.ofSeconds(60)), j.describe());
    assertTrue(j.lines().contains("RESULTS " + INPUTS + " OK"), j.describe());
    long[] c = counts(j);
    assertEquals(List.of((long) INPUTS, (long) INPUTS, (long) INPUTS), List.of(c[0], c[1], c[2] + c[3] + c[4]),
        j.describe());
    return c;
  }

  /** Every input's computation finished exactly once, and no two computations of an input overlapped. */
  private static SideLog assertEachInputComputedOnce(Path side) throws Exception {
    SideLog log = SideLog.read(side);
    Map<Integer, Integer> finished = new HashMap<>();
    for (SideLog.Computation c : log.computations) finished.merge(c.key(), 1, Integer::sum);
    assertEquals(INPUTS, finished.size(), "every input computed: " + finished.keySet());
    assertTrue(finished.values().stream().allMatch(n -> n == 1), "each input computed once: " + finished);
    assertEquals(List.of(), log.overlaps());
    return log;
  }

  /** The sweep's wall time a process printed, in ms. */
  private static long swept(Jvm j) {
    return j.lines().stream().filter(l -> l.startsWith("SWEPT ")).mapToLong(l -> Long.parseLong(l.substring(6)))
        .findFirst().orElseThrow(() -> new AssertionError("no SWEPT line\n" + j.describe()));
  }

  private static long computedBy(SideLog log, long pid) {
    return log.computations.stream().filter(c -> c.pid() == pid).count();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void threeProcessesSplitASweepAndEachReturnsEveryResult(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    Path side = startThreeSweeps(store);
    List<long[]> counts = new ArrayList<>();
    for (Jvm j : jvms) counts.add(assertSwept(j));
    double seconds = jvms.stream().mapToLong(SweepAcrossProcessesTest::swept).max().getAsLong() / 1000.0;

    SideLog log = assertEachInputComputedOnce(side);
    assertEquals(0, log.unfinished);
    StringBuilder split = new StringBuilder();
    long here = 0;
    for (int p = 0; p < 3; p++) {
      Jvm j = jvms.get(p);
      long[] c = counts.get(p);
      assertEquals(computedBy(log, j.pid()), c[3], "its progress line counts what it computed\n" + j.describe());
      assertTrue(c[3] > 0, "each process computed some of the inputs\n" + j.describe());
      assertEquals(0, events(j, "TAKEOVER"), j.describe());
      here += c[3];
      split.append(p == 0 ? "" : " / ").append(c[3]).append(" here, ").append(c[2]).append(" hit, ").append(c[4])
          .append(" elsewhere");
    }
    assertEquals(INPUTS, here, "the processes' computed-here counts add up to the inputs");
    assertTrue(seconds < ONE_JVM_SECONDS / 2, "the slowest of 3 processes swept in " + seconds + " s; one alone "
        + "takes " + ONE_JVM_SECONDS + " s");
    System.out.printf("SweepAcrossProcessesTest %s: 3 JVMs x %d inputs of %d ms, each with all the results in %.1f s at "
        + "most (%.2f of one JVM's nominal %.1f s); %s%n", kind, INPUTS, DELAY_MS, seconds, seconds / ONE_JVM_SECONDS,
        ONE_JVM_SECONDS, split);
    assertEquals(0, kind.waitsLeft(store));
    StoreKind.assertSound(store);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aProcessKilledMidSweepLeavesItsCellToTheOthers(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    Path side = startThreeSweeps(store);
    Jvm victim = jvms.get(0);
    int killedKey = killMidComputation(victim, side);

    long[] a = assertSwept(jvms.get(1));
    long[] b = assertSwept(jvms.get(2));
    SideLog log = assertEachInputComputedOnce(side);
    assertEquals(1, log.unfinished, "the killed process's computation only");
    long victimFinished = computedBy(log, victim.pid());
    assertEquals(INPUTS - victimFinished, a[3] + b[3], "the others computed all the rest, the killed cell included");
    assertEquals(1, events(jvms.get(1), "TAKEOVER") + events(jvms.get(2), "TAKEOVER"),
        "the killed process's cell was taken over once\n" + jvms.get(1).describe() + "\n" + jvms.get(2).describe());
    long takenOverBy = log.computations.stream().filter(c -> c.key() == killedKey).findFirst().orElseThrow().pid();
    assertTrue(takenOverBy == jvms.get(1).pid() || takenOverBy == jvms.get(2).pid(), "input " + killedKey);
    System.out.printf("SweepAcrossProcessesTest %s: killed %d while computing input %d after it finished %d; input "
        + "%d taken over by %d; the other two swept in %s and %s ms%n", kind, victim.pid(), killedKey, victimFinished,
        killedKey, takenOverBy, swept(jvms.get(1)), swept(jvms.get(2)));
    assertEquals(0, kind.waitsLeft(store));
    StoreKind.assertSound(store);
  }

  /**
   * Kills {@code victim} (kill -9) 150 ms into a computation (of 400 ms), once it has finished two:
   * it holds that cell's claim. Returns the input it was computing.
   */
  private static int killMidComputation(Jvm victim, Path side) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String pid = " " + victim.pid() + " ";
    while (System.nanoTime() < deadline) {
      int finished = 0;
      String[] open = null;
      for (String line : Files.readAllLines(side)) {
        if (!line.contains(pid)) continue;
        String[] p = line.split(" ");
        if (p[0].equals("S")) {
          open = p;
        } else {
          finished++;
          open = null;
        }
      }
      if (finished >= 2 && open != null) {
        long startedNanos = Long.parseLong(open[3]);
        long wait = startedNanos + 150_000_000L - System.nanoTime();
        if (wait > 0) Thread.sleep(wait / 1_000_000);
        victim.killHard();
        return Integer.parseInt(open[1]);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the process to kill did not compute\n" + victim.describe());
  }
}
