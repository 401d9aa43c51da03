package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo;
import io.memokit.demo.CacheDemo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo (the README's first command runs the same main class) on a fresh store, a directory
 * and a PostgreSQL database, and checks
 * that, process by process, its sequence of events is the reference trace's: the same steps, the
 * same functions, the same events, and cell numbers that map one to one.
 */
class DemoTraceTest {

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void demoReproducesTheReferenceTrace(StoreKind kind, @TempDir Path tmp) throws Exception {
    List<String> ours = runDemo(kind.location(tmp));
    List<String> reference;
    try (InputStream in = DemoTraceTest.class.getResourceAsStream("/reference/cache.out")) {
      reference = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    TraceLog.assertSameEvents(TraceLog.parse(reference), TraceLog.parse(ours), String.join("\n", ours));
    for (int i = 0; i < 4; i++) {
      String about = "== " + (i + 1) + "/4 ";
      int at = -1;
      for (int j = 0; j < ours.size() && at < 0; j++) if (ours.get(j).startsWith(about)) at = j;
      assertTrue(at > 0 && ours.get(at - 1).matches("^-{20,}$"), "section " + (i + 1) + " starts by saying what it "
          + "shows\n" + String.join("\n", ours));
    }
    assertTrue(ours.stream().noneMatch(l -> l.indexOf('\u001b') >= 0), "no escape codes\n" + String.join("\n", ours));
  }

  private static List<String> runDemo(String store) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Memo.jvmFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CacheDemo.class.getName());
    cmd.add("--store");
    cmd.add(store);
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
