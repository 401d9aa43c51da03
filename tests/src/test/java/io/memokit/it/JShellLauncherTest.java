package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/jshell notebooks/cache-demo.jsh}, run non-interactively twice on one store, as a user would. */
@Tag("both-jdks")
class JShellLauncherTest {

  private static List<String> run(Path store) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Notebooks.ROOT.resolve("bin/jshell").toString(),
        Notebooks.ROOT.resolve("notebooks/cache-demo.jsh").toString()).redirectErrorStream(true);
    pb.environment().put("MEMOKIT_DEMO_STORE", store.toString());
    Process p = pb.start();
    p.getOutputStream().write("/exit\n".getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  private static List<String> events(List<String> lines) {
    return lines.stream().filter(l -> l.contains("Cache<")).map(l -> {
      String block = l.substring(l.lastIndexOf(':', l.indexOf('>')) + 1, l.indexOf('>'));
      return block.replaceAll("[({].*", "") + " " + l.substring(l.indexOf("> ") + 2);
    }).toList();
  }

  @Test
  void theJShellScriptRunsThroughTheLauncherAndASecondRunHits(@TempDir Path tmp) throws Exception {
    Path store = tmp.resolve("store");
    List<String> first = run(store);
    assertEquals(List.of("simplefunc MISS(1)", "simplefunc HIT(1)", "longfunc MISS(2)", "longfunc MISS(3)",
        "vfunc MISS(4)", "stepB MISS(5)", "stepB MISS(6)", "stepA MISS(7)", "stepB MISS(8)", "stepB MISS(9)",
        "stepB HIT(6)", "stepA HIT(7)", "stepB HIT(8)", "stepB MISS(10)", "stepB HIT(6)", "stepA HIT(7)",
        "stepB MISS(11)", "stepA HIT(7)"), events(first), String.join("\n", first));
    assertTrue(first.contains("Result: longfunc(null, 4) = raised[longfunc error]"), String.join("\n", first));
    assertTrue(first.contains("Result: proc(1, 5, 3).get(\"abc\") = 17"), String.join("\n", first));
    List<String> second = run(store);
    assertEquals(List.of("simplefunc HIT(1)", "simplefunc HIT(1)", "longfunc HIT(2)", "longfunc HIT(3)",
        "vfunc MISS(12)", "stepB HIT(5)", "stepB HIT(9)", "stepB HIT(10)"), events(second), String.join("\n", second));
  }
}
