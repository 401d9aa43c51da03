package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.FirstCallsWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new JVM's first calls (opening a store, misses, hits, first hits from the store, listing cells
 * and blocks) make no record build its equals or hashCode through {@code ObjectMethods}: that
 * bootstrap spins dozens of method-handle classes, tens of milliseconds of a notebook's first call
 * after a restart. The records those calls compare have their equality written out
 * ({@code NewJvmCostTest} checks that it still counts every component). And a JVM that computes
 * nothing does not look up the thread bean a computation's CPU time needs (some 20 ms).
 */
@Tag("both-jdks")
class FirstCallsTest {

  @TempDir
  Path tmp;

  @Test
  void aNewJvmsFirstCallsBootstrapNoRecordMethodsAndOnlyAComputationLooksUpTheThreadBean() throws Exception {
    Path store = tmp.resolve("store");
    for (String run : List.of("misses", "first-hits")) {
      Path log = tmp.resolve(run + ".classes");
      try (Jvm j = Jvm.start(List.of("-Xlog:class+load:file=" + log), FirstCallsWorker.class, store)) {
        assertEquals(0, j.exit(Duration.ofSeconds(120)), j.describe());
        assertEquals(List.of("CALLS [1, v] [1, v] 2 7", "CELLS 1 1", "BLOCKS 2"), j.lines(), j.describe());
      }
      List<String> loaded = Files.readAllLines(log);
      assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.memokit.Memo ")), "the log lists the loaded classes");
      long spun = loaded.stream().filter(l -> l.contains("java.lang.invoke.LambdaForm$")).count();
      assertFalse(loaded.stream().anyMatch(l -> l.contains(" java.lang.runtime.ObjectMethods ")),
          run + ": a record's equals, hashCode or toString was bootstrapped (" + spun + " method-handle classes "
              + "spun in all): write it out, or compare otherwise");
      boolean management = loaded.stream().anyMatch(l -> l.contains(" java.lang.management.ManagementFactory "));
      assertEquals(run.equals("misses"), management, run + ": the thread bean (for a computation's CPU time) is "
          + "looked up by the first computation, and only then");
    }
  }
}
