package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs notebooks headless with the registered memokit-java kernel, through
 * {@code notebooks/tools/execute.py} (nbclient), and returns the outputs it prints, one per line:
 * {@code "CELL stream: ..."}, {@code "CELL html: ..."}, {@code "CELL error: ..."}. Needs what
 * {@code kernel-setup/install.sh} installs; fails (never skips) without it.
 */
final class Notebooks {

  static final Path ROOT = Path.of(System.getProperty("memokit.root", "..")).toAbsolutePath().normalize();

  private Notebooks() {}

  /** The Python that has Jupyter's modules (Debian's, or the one on PATH). */
  static String python() throws Exception {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      Process p = new ProcessBuilder(candidate, "-c", "import nbclient, nbformat, jupyter_client")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return candidate;
    }
    throw new AssertionError("Jupyter (nbclient) is not installed: run kernel-setup/install.sh (bin/test does)");
  }

  static void requireKernel() throws Exception {
    Process p = new ProcessBuilder(python(), "-m", "jupyter", "kernelspec", "list").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    assertTrue(out.contains("memokit-java"), "the memokit-java kernel is not installed: run kernel-setup/install.sh\n" + out);
  }

  /** A running execution of a copy of {@code notebook} in {@code dir}, with {@code env} for its kernel. */
  static final class Run {
    final Process process;
    final Path log;
    final Path executed;

    Run(Process process, Path log, Path executed) {
      this.process = process;
      this.log = log;
      this.executed = executed;
    }

    /** Waits for the notebook to finish; returns its output lines. */
    List<String> outputs(long timeoutSeconds) throws Exception {
      assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), "notebook did not finish in " + timeoutSeconds
          + " s:\n" + Files.readString(log));
      String all = Files.readString(log);
      assertTrue(process.exitValue() == 0, "a cell raised an error:\n" + all);
      List<String> lines = new ArrayList<>();
      for (String l : all.split("\n")) if (l.matches("^\\d+ (stream|html|text|error): .*")) lines.add(l);
      return lines;
    }
  }

  static Run start(String notebook, Path dir, Map<String, String> env) throws IOException {
    Path copy = dir.resolve(notebook);
    Files.createDirectories(dir);
    Files.copy(ROOT.resolve("notebooks").resolve(notebook), copy);
    Path executed = dir.resolve("executed-" + notebook);
    Path log = dir.resolve(notebook + ".log");
    ProcessBuilder pb;
    try {
      pb = new ProcessBuilder(python(), ROOT.resolve("notebooks/tools/execute.py").toString(), copy.toString(),
          executed.toString(), "--timeout", "300");
    } catch (Exception e) {
      throw new IOException(e);
    }
    pb.environment().putAll(env);
    pb.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new Run(pb.start(), log, executed);
  }

  /** The cache events in {@code lines}, as "CELL function EVENT(n)" (without a WAIT's "for ..." detail). */
  static List<String> events(List<String> lines) {
    List<String> events = new ArrayList<>();
    for (String l : lines) {
      int at = l.indexOf("Cache<");
      if (at < 0 || !l.contains(" stream: ")) continue;
      String cell = l.substring(0, l.indexOf(' '));
      String block = l.substring(l.lastIndexOf(':', l.indexOf('>')) + 1, l.indexOf('>'));
      String event = l.substring(l.indexOf("> ") + 2);
      events.add(cell + " " + block.replaceAll("[({].*", "") + " " + event.substring(0, event.indexOf(')') + 1));
    }
    return events;
  }
}
