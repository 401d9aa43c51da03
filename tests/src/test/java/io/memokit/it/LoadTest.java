package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.it.workers.LoadWorker;
import io.memokit.it.workers.Manager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes and threads on one block for a while, with hits, misses, stored exceptions and
 * evictions (150 keys, maxsize 40), and in the second test a process clearing and resizing the
 * block meanwhile. Checks: every returned value (or exception) is the function's; no computation
 * of a key overlaps another (one computation at a time per cell, across processes); no exception
 * escapes but the function's own; and the store's counts add up (hits + misses = calls, misses =
 * computations). A few seconds make tens of thousands of calls (about 1,000 a second on
 * PostgreSQL, 10,000 on a directory): the test also checks that the load had what it is about
 * (hits, stored exceptions, keys computed again after an eviction or a clear, the manager's work),
 * so that a shorter run cannot pass by doing little.
 */
class LoadTest {

  private static final Pattern RESULT = Pattern.compile("CALLS (\\d+) WRONG (\\d+) UNEXPECTED (\\d+)");

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void fourProcessesTimesFourThreadsForEightSeconds(StoreKind kind, @TempDir Path tmp) throws Exception {
    Result r = run(kind, tmp, 4, 4, 8, false);
    System.out.printf("LoadTest: 4 processes x 4 threads, 8 s: %d calls (%.0f/s), %d computations, hits %d, "
        + "misses %d, evictions in play (maxsize 40 of 150 keys)%n", r.calls, r.calls / 8.0, r.computations,
        r.info.hits(), r.info.misses());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void clearsAndResizesWhileOthersHitAndCompute(StoreKind kind, @TempDir Path tmp) throws Exception {
    Result r = run(kind, tmp, 3, 2, 5, true);
    System.out.printf("LoadTest (management): %d calls, %d computations, %s%n", r.calls, r.computations, r.managed);
  }

  record Result(long calls, int computations, BlockInfo info, String managed) {}

  private Result run(StoreKind kind, Path tmp, int processes, int threads, int seconds, boolean manage) throws Exception {
    String store = kind.location(tmp);
    Path side = tmp.resolve("side.log");
    List<Jvm> jvms = new ArrayList<>();
    Jvm manager = null;
    try {
      for (int p = 0; p < processes; p++) jvms.add(Jvm.start(LoadWorker.class, store, side, threads, seconds, p + 1, 40));
      if (manage) manager = Jvm.start(Manager.class, store, seconds, 7);
      long calls = 0;
      for (Jvm j : jvms) {
        assertEquals(0, j.exit(Duration.ofSeconds(seconds + 60)), j.describe());
        String last = j.lines().stream().filter(l -> l.startsWith("CALLS ")).findFirst()
            .orElseThrow(() -> new AssertionError("no result\n" + j.describe()));
        Matcher m = RESULT.matcher(last);
        assertTrue(m.matches(), last);
        assertEquals("0", m.group(2), "wrong values or exceptions returned\n" + j.describe());
        assertEquals("0", m.group(3), "unexpected exceptions\n" + j.describe());
        assertTrue(Long.parseLong(m.group(1)) >= 200, "the process made calls all along\n" + j.describe());
        calls += Long.parseLong(m.group(1));
      }
      String managed = "";
      if (manager != null) {
        assertEquals(0, manager.exit(Duration.ofSeconds(seconds + 60)), manager.describe());
        managed = manager.lines().get(manager.lines().size() - 1);
        assertTrue(managed.endsWith("UNEXPECTED 0"), manager.describe());
        assertTrue(Integer.parseInt(managed.split(" ")[1]) >= 15, "cleared and resized all along: " + managed);
      }
      SideLog log = SideLog.read(side);
      assertEquals(0, log.unfinished, "every computation ended");
      assertEquals(List.of(), log.overlaps(), "two computations of one cell at the same time");
      BlockInfo info = LoadWorker.define(store).info();
      assertEquals(calls, info.hits() + info.misses(), "hits + misses = calls: " + info);
      assertEquals(log.computations.size(), info.misses(), "one computation per miss: " + info);
      assertTrue(info.size() <= info.maxsize(), "maxsize holds: " + info);
      assertTrue(info.hits() > 0, "the load hit stored cells: " + info);
      assertTrue(log.computations.stream().anyMatch(c -> c.key() % 11 == 0), "the load stored exceptions");
      assertTrue(log.computations.size() > 2 * 150, "keys were computed again after an eviction or a clear: "
          + log.computations.size() + " computations of 150 keys");
      StoreKind.assertSound(store);
      return new Result(calls, log.computations.size(), info, managed);
    } finally {
      for (Jvm j : jvms) j.close();
      if (manager != null) manager.close();
    }
  }
}
