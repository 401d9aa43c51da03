package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs notebooks headless with the memokit kernel on the tests' JDK ({@link #kernel()}), through
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

  private static volatile String kernel;

  /**
   * The memokit kernel spec whose kernel runs on the JDK running the tests (feature version N):
   * {@code memokit-java-N} ({@code kernel-setup/install.sh --jdk DIR}), else {@code memokit-java} if
   * its java is a JDK N. Fails, saying how to install one, if neither is: the notebooks run on the
   * JDK under test, never quietly on another.
   */
  static String kernel() throws Exception {
    if (kernel != null) return kernel;
    Process p = new ProcessBuilder(python(), "-c", String.join("\n",
        "from jupyter_client.kernelspec import KernelSpecManager",
        "for name, s in KernelSpecManager().get_all_specs().items(): print(name + '\\t' + s['spec']['argv'][0])"))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "listing the kernel specs failed:\n" + out);
    Map<String, String> javas = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 2) javas.put(f[0], f[1]);
    }
    int feature = Runtime.version().feature();
    for (String name : List.of("memokit-java-" + feature, "memokit-java")) {
      Path java = javas.containsKey(name) ? Path.of(javas.get(name)) : null;
      if (java != null && Files.isExecutable(java) && Jvm.feature(java.getParent().getParent()) == feature) {
        return kernel = name;
      }
    }
    throw new AssertionError("no memokit kernel runs on JDK " + feature + " (the tests' JDK): run kernel-setup/install.sh"
        + (feature == 17 ? "" : " --jdk " + System.getProperty("java.home")) + " (bin/test does); kernel specs: " + javas);
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

    /** Waits until {@code file} has a line starting with {@code prefix}, while the notebook runs. */
    void awaitLine(Path file, String prefix, long timeoutSeconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (!Files.exists(file) || Files.readAllLines(file).stream().noneMatch(l -> l.startsWith(prefix))) {
        assertTrue(process.isAlive(), "notebook ended before " + file + " had \"" + prefix + "...\":\n"
            + Files.readString(log));
        assertTrue(System.nanoTime() < deadline, "no \"" + prefix + "...\" in " + file + " after " + timeoutSeconds
            + " s:\n" + Files.readString(log));
        Thread.sleep(50);
      }
    }

    /**
     * Waits for the notebook to finish; returns its output lines. The notebook ran without error and
     * its kernel's JVM printed no warning (e.g. JDK 24+'s about sun.misc.Unsafe without memokit's flags).
     */
    List<String> outputs(long timeoutSeconds) throws Exception {
      assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), "notebook did not finish in " + timeoutSeconds
          + " s:\n" + Files.readString(log));
      String all = Files.readString(log);
      assertTrue(process.exitValue() == 0, "a cell raised an error:\n" + all);
      assertTrue(all.lines().noneMatch(l -> l.startsWith("WARNING:") || l.matches("\\d+ stream: WARNING:.*")),
          "the kernel's JVM warned:\n" + all);
      List<String> lines = new ArrayList<>();
      for (String l : all.split("\n")) if (l.matches("^\\d+ (stream|html|text|error): .*")) lines.add(l);
      return lines;
    }
  }

  static Run start(String notebook, Path dir, Map<String, String> env) throws IOException {
    Files.createDirectories(dir);
    Files.copy(ROOT.resolve("notebooks").resolve(notebook), dir.resolve(notebook));
    return run(notebook, dir, env);
  }

  /** Starts a notebook of code cells, written in {@code dir} as {@code name}. */
  static Run start(String name, List<String> cells, Path dir, Map<String, String> env) throws IOException {
    Files.createDirectories(dir);
    StringBuilder json = new StringBuilder("{\"cells\": [");
    for (int i = 0; i < cells.size(); i++) {
      json.append(i == 0 ? "" : ", ").append("{\"cell_type\": \"code\", \"execution_count\": null, \"id\": \"c")
          .append(i).append("\", \"metadata\": {}, \"outputs\": [], \"source\": \"")
          .append(cells.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"}");
    }
    json.append("], \"metadata\": {\"kernelspec\": {\"name\": \"memokit-java\", \"display_name\": \"Java (memokit)\","
        + " \"language\": \"java\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}\n");
    Files.writeString(dir.resolve(name), json);
    return run(name, dir, env);
  }

  private static Run run(String notebook, Path dir, Map<String, String> env) throws IOException {
    Path copy = dir.resolve(notebook);
    Path executed = dir.resolve("executed-" + notebook);
    Path log = dir.resolve(notebook + ".log");
    ProcessBuilder pb;
    try {
      pb = new ProcessBuilder(python(), ROOT.resolve("notebooks/tools/execute.py").toString(), copy.toString(),
          executed.toString(), "--timeout", "300", "--kernel", kernel());
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
