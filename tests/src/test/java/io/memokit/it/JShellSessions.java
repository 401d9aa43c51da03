package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code bin/jshell} sessions on one store, as a user runs them one after the other, and what
 * they showed: trace events, printed values and memokit's notices.
 */
final class JShellSessions {

  private final Path dir;

  JShellSessions(Path dir) {
    this(dir, dir.resolve("store").toString());
  }

  /** Sessions on the store at {@code location} (a directory or a database URL), with scripts in {@code dir}. */
  JShellSessions(Path dir, String location) {
    this.dir = dir;
    this.location = location;
  }

  private final String location;

  /** Runs {@code script} in a fresh {@code bin/jshell} on the store; returns its output lines. */
  List<String> run(String script) throws Exception {
    List<String> lines = runRaising(script);
    String out = String.join("\n", lines);
    assertTrue(!out.contains("Exception"), "no snippet raised an exception\n" + out);
    return lines;
  }

  /**
   * As {@link #run}, for a script whose snippets may raise exceptions: JShell prints each as
   * {@code Exception CLASS: MESSAGE} and its stack, and goes on with the next snippet.
   */
  List<String> runRaising(String script) throws Exception {
    Path file = Files.createTempFile(dir, "session", ".jsh");
    Files.writeString(file, "var s = store(\"" + location + "\");\ntrace(true);\n" + script + "\n/exit\n");
    Process p = new ProcessBuilder(Notebooks.ROOT.resolve("bin/jshell").toString(), file.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(!out.contains("Error:"), "every snippet compiled\n" + out);
    return out.lines().toList();
  }

  /**
   * Trace events ({@code sq MISS(1)}), printed values (lines starting {@code "= "}) and memokit's
   * notices (up to their first {@code ;} or {@code .}), in order.
   */
  static List<String> seen(List<String> lines) {
    return lines.stream().filter(l -> l.contains("Cache<") || l.startsWith("= ") || l.startsWith("memokit: "))
        .map(l -> {
          if (!l.contains("Cache<")) return l.startsWith("memokit: ") ? l.replaceAll("[;.] .*", "") : l;
          String block = l.substring(l.lastIndexOf(':', l.indexOf('>')) + 1, l.indexOf('>'));
          return block.replaceAll("[({].*", "") + " " + l.substring(l.indexOf("> ") + 2);
        }).toList();
  }
}
