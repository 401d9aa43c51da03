package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memokit.Memo;
import io.memokit.demo.CacheDemo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo (the README's first command runs the same main class) on a fresh store and checks
 * that, process by process, its sequence of events is the reference trace's: the same steps, the
 * same functions, the same events, and cell numbers that map one to one.
 */
class DemoTraceTest {

  @Test
  void demoReproducesTheReferenceTrace(@TempDir Path tmp) throws Exception {
    List<String> ours = runDemo(tmp.resolve("store"));
    List<String> reference;
    try (InputStream in = DemoTraceTest.class.getResourceAsStream("/reference/cache.out")) {
      reference = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    TraceLog ref = TraceLog.parse(reference);
    TraceLog got = TraceLog.parse(ours);
    assertEquals(4, ref.sections.size(), "reference sections");
    assertEquals(ref.sections.size(), got.sections.size(), "demo sections\n" + String.join("\n", ours));

    Map<Long, Long> refToOurs = new HashMap<>();
    Map<Long, Long> oursToRef = new HashMap<>();
    for (int s = 0; s < ref.sections.size(); s++) {
      List<TraceLog.Process> rp = ref.sections.get(s);
      List<TraceLog.Process> gp = got.sections.get(s);
      assertEquals(2, rp.size(), "reference processes in demo " + (s + 1));
      assertEquals(2, gp.size(), "processes in demo " + (s + 1) + "\n" + String.join("\n", ours));
      for (int p = 0; p < 2; p++) {
        List<TraceLog.Step> expected = rp.get(p).steps();
        List<TraceLog.Step> actual = gp.get(p).steps();
        String where = "demo " + (s + 1) + ", process " + (p == 0 ? "A" : "B");
        assertEquals(expected.size(), actual.size(), where + ": number of steps\nexpected " + expected + "\nactual   "
            + actual);
        for (int i = 0; i < expected.size(); i++) {
          TraceLog.Step e = expected.get(i);
          TraceLog.Step a = actual.get(i);
          String at = where + ", step " + (i + 1) + ": expected " + e + ", got " + a + "\nexpected " + expected
              + "\nactual   " + actual;
          assertEquals(e.kind(), a.kind(), at);
          assertEquals(e.function(), a.function(), at);
          assertEquals(e.value(), a.value(), at);
          if (e.function() != null) {
            Long mapped = refToOurs.putIfAbsent(e.cell(), a.cell());
            Long back = oursToRef.putIfAbsent(a.cell(), e.cell());
            if ((mapped != null && mapped != a.cell()) || (back != null && back != e.cell())) {
              fail(at + "\ncell numbers do not map one to one: reference " + e.cell() + " <-> ours " + a.cell()
                  + " (already mapped " + mapped + " / " + back + ")");
            }
          }
        }
      }
    }
    assertEquals(12, refToOurs.size(), "distinct cells");
  }

  private static List<String> runDemo(Path store) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Memo.jvmFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CacheDemo.class.getName());
    cmd.add("--store");
    cmd.add(store.toString());
    Path out = Files.createTempFile("demo", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "demo finished within 120 s");
      List<String> lines = Files.readAllLines(out);
      assertEquals(0, p.exitValue(), "demo exit code\n" + String.join("\n", lines));
      return lines;
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }
}
