package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.it.workers.AllKeysWorker;
import io.memokit.it.workers.SlowCellWorker;
import io.memokit.storage.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JVMs sharing one store: one computes a slow cell while another waits for it (values and
 * stored exceptions); a computing process killed with kill -9 is taken over by the waiter; and
 * 4 processes x 4 threads on 50 keys compute each key exactly once.
 */
@Tag("quick")
class SharedCellTest {

  private static final Pattern EVENT = Pattern.compile(".*> (MISS|HIT|WAIT|TAKEOVER|LOST)\\((\\d+)\\)(?: for .+)?$");

  @TempDir
  Path tmp;

  /** The cache events a child printed, as "KIND(n)". */
  static List<String> events(Jvm j) {
    List<String> e = new ArrayList<>();
    for (String l : j.lines()) {
      Matcher m = EVENT.matcher(l);
      if (m.matches()) e.add(m.group(1) + "(" + m.group(2) + ")");
    }
    return e;
  }

  private static String result(Jvm j) {
    return j.lines().stream().filter(l -> l.startsWith("RESULT ") || l.startsWith("RAISED ")).findFirst()
        .orElseThrow(() -> new AssertionError("no result\n" + j.describe()));
  }

  /** {@code waiter}'s WAIT line says it waits for {@code computing}: its pid, host, and since when. */
  private static void assertWaitNames(Jvm waiter, Jvm computing) {
    String wait = waiter.lines().stream().filter(l -> l.contains("> WAIT(")).findFirst().orElseThrow();
    assertTrue(wait.matches(".*> WAIT\\(\\d+\\) for proc " + computing.pid() + " on "
        + Pattern.quote(ProcessIdentity.HOST) + " since \\d\\d:\\d\\d:\\d\\d"), wait);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSecondProcessWaitsForTheFirstThenHits(StoreKind kind) throws Exception {
    twoProcessesOnOneSlowCell(kind, "value", "RESULT value of 42");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStoredExceptionReachesTheWaitingProcessWithItsClassAndMessage(StoreKind kind) throws Exception {
    twoProcessesOnOneSlowCell(kind, "throw", "RAISED java.lang.IllegalStateException: boom 42");
  }

  private void twoProcessesOnOneSlowCell(StoreKind kind, String mode, String expected) throws Exception {
    String store = kind.location(tmp);
    Path side = tmp.resolve("side");
    Files.createFile(side);
    try (Jvm a = Jvm.start(SlowCellWorker.class, store, "slow." + mode, 42, "go", side, mode)) {
      String miss = a.await(l -> l.contains("> MISS("), Duration.ofSeconds(30), "MISS").text();
      try (Jvm b = Jvm.start(SlowCellWorker.class, store, "slow." + mode, 42, 0, side, mode)) {
        b.await(l -> l.contains("> WAIT("), Duration.ofSeconds(30), "WAIT");
        a.send("GO"); // A's body returns only now, while B waits for the cell
        assertEquals(0, a.exit(Duration.ofSeconds(60)), a.describe());
        assertEquals(0, b.exit(Duration.ofSeconds(60)), b.describe());
        String n = miss.substring(miss.lastIndexOf('('));
        assertEquals(List.of("MISS" + n), events(a), a.describe());
        assertEquals(List.of("WAIT" + n, "HIT" + n), events(b), b.describe());
        assertWaitNames(b, a);
        assertEquals(expected, result(a));
        assertEquals(expected, result(b));
        assertEquals(1, Files.readAllLines(side).size(), "the body ran once: " + Files.readAllLines(side));
        StoreKind.assertSound(store);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWaiterTakesOverWhenTheComputingProcessIsKilled(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    Path side = tmp.resolve("side");
    Files.createFile(side);
    try (Jvm a = Jvm.start(SlowCellWorker.class, store, "killed", 7, 60_000, side, "value")) {
      String miss = a.await(l -> l.contains("> MISS("), Duration.ofSeconds(30), "MISS").text();
      String n = miss.substring(miss.lastIndexOf('('));
      try (Jvm b = Jvm.start(SlowCellWorker.class, store, "killed", 7, 200, side, "value")) {
        b.await(l -> l.contains("> WAIT("), Duration.ofSeconds(30), "WAIT");
        Thread.sleep(1500); // let the waiter's polling back off to its slowest (100 ms): the worst case
        long killedAt = System.nanoTime();
        a.killHard();
        Jvm.Line takeover = b.await(l -> l.contains("> TAKEOVER("), Duration.ofSeconds(10), "TAKEOVER");
        double seconds = (takeover.nanos() - killedAt) / 1e9;
        assertEquals(0, b.exit(Duration.ofSeconds(60)), b.describe());
        assertEquals(List.of("WAIT" + n, "TAKEOVER" + n), events(b), b.describe());
        assertWaitNames(b, a);
        assertEquals("RESULT value of 7", result(b));
        assertTrue(b.lines().contains("PENDING 0"), "no cell left in progress\n" + b.describe());
        assertTrue(seconds < 1.0, "the waiter noticed the death within a second: " + seconds + " s");
        System.out.printf("SharedCellTest: kill -9 to TAKEOVER in %.3f s%n", seconds);
      }
    }
    try (Jvm c = Jvm.start(SlowCellWorker.class, store, "killed", 7, 0, side, "value")) {
      assertEquals(0, c.exit(Duration.ofSeconds(60)), c.describe());
      assertEquals("RESULT value of 7", result(c));
      assertTrue(events(c).get(0).startsWith("HIT("), "a later process hits\n" + c.describe());
    }
    assertEquals(2, Files.readAllLines(side).size(), "the killed run and the takeover");
    StoreKind.assertSound(store);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void fourProcessesTimesFourThreadsOnFiftyKeysComputeEachKeyOnce(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    Path side = tmp.resolve("side");
    Files.createFile(side);
    List<Jvm> jvms = new ArrayList<>();
    StringBuilder outputs = new StringBuilder();
    try {
      for (int p = 0; p < 4; p++) jvms.add(Jvm.start(AllKeysWorker.class, store, side, 4, 50, p));
      for (Jvm j : jvms) {
        assertEquals(0, j.exit(Duration.ofSeconds(120)), j.describe());
        assertTrue(j.lines().contains("CALLS 200 WRONG 0"), j.describe());
        outputs.append(j.describe()).append('\n');
      }
    } finally {
      for (Jvm j : jvms) j.close();
    }
    List<String> computed = Files.readAllLines(side);
    assertEquals(50, computed.size(), "each key computed exactly once: " + computed + "\n" + outputs);
    assertEquals(50, new HashSet<>(computed).size(), "50 distinct keys: " + computed);
    BlockInfo info = AllKeysWorker.define(store, side).info();
    assertEquals(50, info.misses(), info.toString());
    assertEquals(4 * 4 * 50 - 50, info.hits(), info.toString());
    assertEquals(50, info.size(), info.toString());
    StoreKind.assertSound(store);
  }
}
