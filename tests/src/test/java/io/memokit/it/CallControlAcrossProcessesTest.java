package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.CallControlWorker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One call's cell acted on across processes: a cell one process forgets is computed again by the
 * other, even where that one answered it from memory; {@code isCached} and {@code peek} in one
 * process never compute, and never wait for a cell another process is computing.
 */
@Tag("quick")
class CallControlAcrossProcessesTest {

  private static final Duration T = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  /** A session of {@link CallControlWorker} on {@code store}, once it has opened it. */
  private static Jvm started(String store) throws Exception {
    Jvm j = Jvm.start(CallControlWorker.class, store);
    try {
      j.await("READY"::equals, T, "READY");
      return j;
    } catch (Throwable e) {
      j.close();
      throw e;
    }
  }

  /** Sends {@code command} and returns its answer line. */
  private static String ask(Jvm j, String command) throws Exception {
    String name = command.split(" ")[0] + " ";
    long before = answers(j, name).count();
    j.send(command);
    j.await(l -> answers(j, name).count() > before, T, "the answer to " + command);
    return answers(j, name).reduce((first, last) -> last).orElseThrow();
  }

  private static java.util.stream.Stream<String> answers(Jvm j, String name) {
    return j.lines().stream().filter(l -> l.startsWith(name));
  }

  private static long computed(Jvm j, int n) {
    return j.lines().stream().filter(l -> l.equals("COMPUTED " + n)).count();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCellForgottenInOneProcessIsComputedAgainInTheOther(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    try (Jvm a = started(store); Jvm b = started(store)) {
      assertEquals("call 1 = 10", ask(a, "call 1"));
      assertEquals("call 1 = 10", ask(a, "call 1"), "a second call: a hit from a's memory");
      assertEquals("call 2 = 20", ask(a, "call 2"));
      assertEquals(1, computed(a, 1), a.describe());
      assertEquals("cached 1 = true", ask(b, "cached 1"));
      assertEquals("peek 1 = Optional[10]", ask(b, "peek 1"));
      assertEquals("forget 1 = true", ask(b, "forget 1"));
      // A directory store's removal is seen at once; a PostgreSQL store's stops every hit from
      // memory that starts 200 ms after it (docs/stores.md).
      if (kind == StoreKind.POSTGRES) Thread.sleep(250);
      assertEquals("cached 1 = false", ask(a, "cached 1"), "a sees the forget");
      assertEquals("cached 2 = true", ask(a, "cached 2"), "and only that cell is gone");
      assertEquals("call 1 = 10", ask(a, "call 1"));
      assertEquals(2, computed(a, 1), "a computed the forgotten cell again\n" + a.describe());
      assertEquals("call 1 = 10", ask(b, "call 1"));
      assertEquals("call 2 = 20", ask(b, "call 2"));
      assertEquals(0, computed(b, 1) + computed(b, 2), "b hit a's cells\n" + b.describe());
      assertEquals("forget 3 = false", ask(b, "forget 3"), "nothing to forget");
      assertEquals("peek 3 = Optional.empty", ask(b, "peek 3"));
      assertEquals(0, computed(b, 3), "peek never computes");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void askingNeverWaitsForACellAnotherProcessComputes(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    try (Jvm a = started(store); Jvm b = started(store)) {
      a.send("slow 5");
      a.await("SLOW STARTED 5"::equals, T, "the slow cell started");
      String answer = ask(b, "slowcached 5");
      assertTrue(answer.startsWith("slowcached 5 = false Optional.empty in "), answer);
      long ms = Long.parseLong(answer.replaceAll(".* in (\\d+) ms", "$1"));
      assertTrue(ms < 1000, "answered without waiting for a: " + answer);
      a.send("release");
      String after = "";
      for (long deadline = System.nanoTime() + T.toNanos(); System.nanoTime() < deadline; Thread.sleep(50)) {
        after = ask(b, "slowcached 5");
        if (after.contains("true")) break;
      }
      assertTrue(after.startsWith("slowcached 5 = true Optional[5]"), after);
      assertFalse(b.lines().contains("SLOW STARTED 5"), "b never computed it\n" + b.describe());
    }
  }
}
