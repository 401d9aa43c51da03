package io.memokit.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real child JVM running a main class of the test sources, with this JVM's class path and the
 * flags memokit's codec needs. Its standard output and error are collected line by line (with the
 * time each line arrived); {@link #close()} kills it if it is still running.
 */
final class Jvm implements AutoCloseable {

  /** A line of output and when it arrived ({@link System#nanoTime()}). */
  record Line(String text, long nanos) {}

  private final Process process;
  private final List<Line> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private Jvm(Process process) {
    this.process = process;
    this.outReader = reader(process.getInputStream(), line -> out.add(new Line(line, System.nanoTime())));
    this.errReader = reader(process.getErrorStream(), err::add);
  }

  static Jvm start(Class<?> main, Object... args) throws IOException {
    return start(List.of(), main, args);
  }

  /** Starts {@code main} with extra JVM options (e.g. {@code -Dkey=value}) before the class name. */
  static Jvm start(List<String> jvmOptions, Class<?> main, Object... args) throws IOException {
    return start(List.of(), jvmOptions, System.getProperty("java.class.path"), main, args);
  }

  /**
   * Starts {@code main} with {@code prefix} before the java command (e.g. {@code setpriv ...} to run
   * as another user), extra JVM options, and the given class path.
   */
  static Jvm start(List<String> prefix, List<String> jvmOptions, String classPath, Class<?> main, Object... args)
      throws IOException {
    return start(Path.of(System.getProperty("java.home")), prefix, jvmOptions, classPath, main, args);
  }

  /** Starts {@code main} on the JDK installed at {@code javaHome}, with this JVM's class path. */
  static Jvm onJdk(Path javaHome, List<String> jvmOptions, Class<?> main, Object... args) throws IOException {
    return start(javaHome, List.of(), jvmOptions, System.getProperty("java.class.path"), main, args);
  }

  private static Jvm start(Path javaHome, List<String> prefix, List<String> jvmOptions, String classPath,
                           Class<?> main, Object... args) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(javaHome.resolve("bin").resolve("java").toString());
    cmd.addAll(io.memokit.codec.Codec.jvmFlags(feature(javaHome)));
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1"); // children are short-lived: fast start-up matters more than peak speed
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(main.getName());
    for (Object a : args) cmd.add(String.valueOf(a));
    return new Jvm(new ProcessBuilder(cmd).start());
  }

  /** The feature version (17, 25...) of the JDK at {@code javaHome}, from its {@code release} file. */
  static int feature(Path javaHome) throws IOException {
    if (javaHome.equals(Path.of(System.getProperty("java.home")))) return Runtime.version().feature();
    for (String line : java.nio.file.Files.readAllLines(javaHome.resolve("release"))) {
      if (line.startsWith("JAVA_VERSION=")) {
        String v = line.substring(line.indexOf('"') + 1);
        return Integer.parseInt(v.split("[.\"]")[0]);
      }
    }
    throw new IOException("no JAVA_VERSION in " + javaHome.resolve("release"));
  }

  private static Thread reader(java.io.InputStream in, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) sink.accept(line);
      } catch (IOException ignored) {
        // the process ended
      }
    }, "jvm-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Writes {@code line} to the child's standard input: a signal that a worker waits for. */
  void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  long pid() {
    return process.pid();
  }

  /** Waits until a line matching {@code p} has been printed; returns it, or fails after {@code timeout}. */
  Line await(Predicate<String> p, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Line l : out) if (p.test(l.text())) return l;
      if (!process.isAlive() && linesDrained()) break;
      Thread.sleep(5);
    }
    for (Line l : out) if (p.test(l.text())) return l;
    throw new AssertionError("child " + pid() + " did not print " + what + " within " + timeout + "\n" + describe());
  }

  private boolean linesDrained() throws InterruptedException {
    outReader.join(100);
    return !outReader.isAlive();
  }

  /** Waits for the process to exit; fails if it does not within {@code timeout}. Returns its exit code. */
  int exit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("child " + pid() + " did not exit within " + timeout + "\n" + describe());
    }
    outReader.join(2000);
    errReader.join(2000);
    return process.exitValue();
  }

  /** kill -9: the process gets no chance to clean up. */
  void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  List<String> lines() {
    return out.stream().map(Line::text).toList();
  }

  List<String> errors() {
    return List.copyOf(err);
  }

  String describe() {
    return "--- stdout of " + pid() + "\n" + String.join("\n", lines()) + "\n--- stderr\n" + String.join("\n", err);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) killHard();
  }
}
