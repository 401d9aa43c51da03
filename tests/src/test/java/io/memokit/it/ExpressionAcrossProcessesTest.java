package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.memokit.it.workers.ExprWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expressions across JVMs: equal definitions give equal keys in different processes, a second
 * process hits the outer step without running the inner one, and a process that changes the inner
 * step's version (stepA) misses the outer step (stepB) although stepB's own version is unchanged.
 */
@Tag("quick")
class ExpressionAcrossProcessesTest {

  private static String key(Jvm j) {
    return j.lines().stream().filter(l -> l.startsWith("KEY ")).findFirst().orElseThrow();
  }

  /** Events as "function KIND", e.g. "stepB MISS". */
  private static List<String> events(Jvm j) {
    return j.lines().stream().filter(l -> l.contains("Cache<")).map(l -> {
      String block = l.substring(l.lastIndexOf(':') + 1, l.indexOf('>'));
      String kind = l.substring(l.indexOf("> ") + 2, l.lastIndexOf('('));
      return block.replaceAll("[({].*", "") + (block.contains("{") ? block.substring(block.indexOf('{'), block.indexOf('}') + 1) : "")
          + " " + kind;
    }).toList();
  }

  private static Jvm run(Path store, int version) throws Exception {
    Jvm j = Jvm.start(ExprWorker.class, store, version);
    assertEquals(0, j.exit(Duration.ofSeconds(60)), j.describe());
    assertEquals("VALUE 3", j.lines().stream().filter(l -> l.startsWith("VALUE ")).findFirst().orElseThrow());
    return j;
  }

  @Test
  void versionsPropagateThroughNestedExpressionsAcrossProcesses(@TempDir Path tmp) throws Exception {
    Path store = tmp.resolve("store");
    try (Jvm first = run(store, 1); Jvm second = run(store, 1); Jvm third = run(store, 2)) {
      assertEquals(List.of("stepB MISS", "stepA{1} MISS"), events(first), first.describe());
      assertEquals(key(first), key(second), "equal definitions, equal keys, in two JVMs");
      assertEquals(List.of("stepB HIT"), events(second), "the second process hits stepB without running stepA\n"
          + second.describe());
      assertNotEquals(key(first), key(third), "stepA's version is part of the key");
      assertEquals(List.of("stepB MISS", "stepA{2} MISS"), events(third),
          "a new stepA version makes stepB miss though stepB's version is unchanged\n" + third.describe());
    }
  }
}
