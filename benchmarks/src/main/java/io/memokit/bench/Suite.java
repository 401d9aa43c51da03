package io.memokit.bench;

import io.memokit.Memo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark suite ({@code bin/bench}): JMH for the in-process figures, fresh JVMs for the rest,
 * python-diskcache and joblib.Memory on the same small-values workload (issue 11), Caffeine
 * ({@link CaffeineBench}) and Ehcache 3 ({@link EhcacheFigures}) on the keys and values of memokit's
 * figures they stand beside, then {@code benchmarks/results/REPORT.md}, {@code PEERS.md} and
 * {@code latency-vs-cells.png}.
 * <pre>
 *   java -cp ... io.memokit.bench.Suite [--quick] [--out DIR] [--postgres-only]
 * </pre>
 * Run from the repository's root (the peers' script is {@code benchmarks/peers/small_values.py}); the
 * peers run on {@code /usr/bin/python3} ({@code -Dmemokit.bench.python}) with the Debian packages
 * python3-diskcache and python3-joblib, which {@code bin/bench} installs.
 * {@code --quick} shortens every measurement and count (a smoke run; its figures are not for the report).
 */
public final class Suite {

  /** Measured figures by name (nanoseconds, unless the name ends in a unit). */
  final Map<String, Double> figures = new LinkedHashMap<>();
  final Map<String, Double> errors = new LinkedHashMap<>();
  final boolean quick;
  final Path work;
  final Path out;
  /** Block sizes of the growth and eviction figures; the largest is the one the targets speak of. */
  final int[] cells;
  /** Calls timed per kind in the small-values workload, and rounds of it. */
  final int smallCount;
  final int smallRounds;
  /** The peers' Python and package versions, as they run here. */
  String peerVersions;

  Suite(boolean quick, Path out) throws IOException {
    this.quick = quick;
    this.out = out;
    this.cells = quick ? new int[] {1_000, 10_000} : new int[] {1_000, 10_000, 100_000};
    this.smallCount = quick ? 200 : 2000;
    this.smallRounds = quick ? 1 : 3;
    this.work = Fixture.freshDir("suite");
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path out = Path.of("benchmarks/results");
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals("--out")) out = Path.of(args[i + 1]);
    Files.createDirectories(out);
    Suite s = new Suite(quick, out);
    if (List.of(args).contains("--postgres-only")) { // one section again, printed, no report written
      try {
        new PostgresFigures(s).run();
      } finally {
        Fixture.delete(s.work);
      }
      s.figures.forEach((k, v) -> System.out.printf("%s %s%n", k, v));
      return;
    }
    s.peerVersions = checkPeers(); // before anything long runs
    double load = loadAverage();
    long t0 = System.nanoTime();
    try {
      s.jmh();
      s.harness();
    } finally {
      Fixture.delete(s.work);
    }
    double minutes = (System.nanoTime() - t0) / 60e9;
    Report.write(s, out, load, loadAverage(), minutes);
    System.out.printf("benchmark suite done in %.1f min: %s%n", minutes, out.resolve(quick ? "REPORT-quick.md" : "REPORT.md"));
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  // ---- JMH ----------------------------------------------------------------------------------------

  void jmh() throws Exception {
    List<String> jvmArgs = new ArrayList<>(Memo.jvmFlags());
    jvmArgs.add("-Dmemokit.bench.dir=" + work.resolve("jmh"));
    jvmArgs.add("-Xmx4g");
    ChainedOptionsBuilder opt = new OptionsBuilder()
        .include(CoreBench.class.getName()).include(KeyBench.class.getName()).include(CodecBench.class.getName())
        .include(ReadsBench.class.getName()).include(CaffeineBench.class.getName())
        .forks(quick ? 0 : 1) // --quick: in this JVM, no JVM start per benchmark (a smoke run only)
        .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.milliseconds(quick ? 100 : 1000))
        .measurementIterations(quick ? 1 : 5).measurementTime(TimeValue.milliseconds(quick ? 100 : 1000))
        .timeout(TimeValue.minutes(5))
        .jvmArgsAppend(jvmArgs.toArray(String[]::new))
        .resultFormat(ResultFormatType.JSON).result(out.resolve(quick ? "jmh-quick.json" : "jmh.json").toString());
    Collection<RunResult> results = new Runner(opt.build()).run();
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      String method = bench.substring(bench.lastIndexOf('.') + 1);
      String cls = bench.substring(0, bench.lastIndexOf('.'));
      cls = cls.substring(cls.lastIndexOf('.') + 1);
      StringBuilder name = new StringBuilder(cls).append('.').append(method);
      for (String key : r.getParams().getParamsKeys()) name.append('.').append(r.getParams().getParam(key));
      double factor = 1000.0; // microseconds per op -> nanoseconds
      figures.put(name.toString(), r.getPrimaryResult().getScore() * factor);
      errors.put(name.toString(), r.getPrimaryResult().getScoreError() * factor);
    }
  }

  // ---- fresh JVMs -------------------------------------------------------------------------------

  /** Runs {@link Child} in a fresh JVM and returns its RESULT lines. */
  Map<String, Double> child(String... args) throws Exception {
    return child(Child.class, args);
  }

  /** Runs {@code main} (a class of this jar) in a fresh JVM and returns its RESULT lines. */
  Map<String, Double> child(Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Memo.jvmFlags());
    cmd.add("-Xmx2g");
    cmd.add("-Dmemokit.bench.dir=" + work.resolve("child"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return results(run(cmd, main.getSimpleName() + " " + String.join(" ", args)));
  }

  /** Runs a command to its end (at most 20 minutes) and returns its output; fails if it fails. */
  static String run(List<String> cmd, String what) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed:\n" + output);
    }
    return output;
  }

  /** The {@code RESULT name value} lines of an output. */
  static Map<String, Double> results(String output) {
    Map<String, Double> r = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("RESULT ")) {
        String[] parts = line.split(" ");
        r.put(parts[1], Double.parseDouble(parts[2]));
      }
    }
    return r;
  }

  // ---- peers: python-diskcache and joblib.Memory --------------------------------------------------

  static final String PYTHON = System.getProperty("memokit.bench.python", "/usr/bin/python3");
  static final Path PEERS_SCRIPT = Path.of("benchmarks", "peers", "small_values.py");
  /** Who runs the small-values workload; memokit runs it in {@link Child#smallValues}. */
  static final String[] PEERS = {"memokit", "diskcache", "joblib"};
  /** Values of the small-values workload: 0 is the tuple {@code (i, "abc", i * 0.5)}; else bytes. */
  static final int[] SMALL_SIZES = {0, 4096};

  /** Fails at once, saying what to install, if the peers cannot run; else returns their versions. */
  static String checkPeers() throws Exception {
    if (!Files.isRegularFile(PEERS_SCRIPT)) {
      throw new IllegalStateException("no " + PEERS_SCRIPT + " here: run the suite from memokit's root (bin/bench does)");
    }
    try {
      return run(List.of(PYTHON, "-c", "import platform, diskcache, joblib; print('Python ' + platform.python_version()"
          + " + ', diskcache ' + diskcache.__version__ + ', joblib ' + joblib.__version__)"), "the peers' check").trim();
    } catch (Exception e) {
      throw new IllegalStateException("the peers need " + PYTHON + " with the Debian packages python3-diskcache and "
          + "python3-joblib (bin/bench installs them): " + e.getMessage(), e);
    }
  }

  /**
   * Issue 11's small-values workload on memokit, python-diskcache and joblib.Memory, each in fresh
   * processes on a fresh store on the same disk: misses then hits in one process, then first hits in
   * another. Rounds interleave the three (the disk's state drifts); each figure is the median of its
   * rounds: {@code small.PEER.SIZE.(miss|hit|freshhit).(median|mean)}.
   */
  void smallValues() throws Exception {
    Map<String, List<Double>> rounds = new LinkedHashMap<>();
    for (int round = 0; round < smallRounds; round++) {
      for (int size : SMALL_SIZES) {
        for (String peer : PEERS) {
          Path dir = work.resolve("small-" + peer + "-" + size + "-" + round);
          String tag = "small." + peer + "." + size + ".";
          for (String phase : new String[] {"both", "hits"}) {
            String prefix = phase.equals("hits") ? tag + "fresh" : tag; // small.P.S.hit.* / small.P.S.freshhit.*
            smallValues(peer, dir, size, phase).forEach((k, v) -> rounds.computeIfAbsent(prefix + k, x -> new ArrayList<>()).add(v));
          }
          Fixture.delete(dir);
        }
      }
    }
    rounds.forEach((k, v) -> figures.put(k, median(v)));
  }

  /** One process of the small-values workload ({@code both} or {@code hits}, as the script describes). */
  Map<String, Double> smallValues(String peer, Path dir, int size, String phase) throws Exception {
    String[] args = {dir.toString(), Integer.toString(size), Integer.toString(smallCount), phase};
    if (peer.equals("memokit")) return child("small", args[0], args[1], args[2], args[3]);
    List<String> cmd = new ArrayList<>(List.of(PYTHON, PEERS_SCRIPT.toString(), peer));
    cmd.addAll(List.of(args));
    return results(run(cmd, peer + " " + String.join(" ", args)));
  }

  // ---- memokit against the machine's floors -------------------------------------------------------

  /** The miss figures: value size, misses (at most 300 with {@code --quick}). */
  static final int[][] MISS_PLANS = {{64, 3000}, {65536, 2000}, {16 * 1024 * 1024, 48}};
  /**
   * The first-hit figures: value size, cells, first hits per JVM. Cells 10 to {@code cells - 10} are
   * read, {@code perJvm} by each fresh JVM: five JVMs up to 64 KiB, one for 16 MiB.
   */
  static final int[][] FIRST_HIT_PLANS = {{64, 1020, 200}, {4096, 1020, 200}, {65536, 1020, 200}, {16 * 1024 * 1024, 40, 15}};

  void harness() throws Exception {
    smallValues();
    firstHits();
    for (int[] plan : MISS_PLANS) {
      if (quick && plan[0] > 65536) continue;
      Map<String, Double> m = child("miss", work.resolve("miss-" + plan[0]).toString(), Integer.toString(plan[0]),
          Integer.toString(quick ? Math.min(plan[1], 300) : plan[1]));
      figures.put("miss." + plan[0], m.get("miss.median"));
      figures.put("miss.floor." + plan[0], m.get("floor.median"));
      figures.put("miss.ratio." + plan[0], m.get("ratio.median"));
    }
    new EhcacheFigures(this).run(); // next to memokit's first hits and misses it mirrors
    for (int n : cells) {
      Path store = work.resolve("growth-" + n);
      Map<String, Double> g = child("growth", store.toString(), Integer.toString(n));
      figures.put("growth.miss." + n, g.get("miss.mean"));
      figures.put("growth.memoryhit." + n, g.get("memoryhit.mean"));
      figures.put("growth.maphit." + n, g.get("maphit.mean"));
      figures.put("growth.filehit." + n, child("filehits", store.toString(), Integer.toString(n)).get("filehit.median"));
      if (n == cells[cells.length - 1]) {
        Path warm = work.resolve("warm");
        child("fill", warm.toString(), "grow", "8", "20");
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) best = Math.min(best, child("open", store.toString(), Integer.toString(n), warm.toString()).get("open.first-hit"));
        figures.put("open." + n, best);
      }
      Map<String, Double> e = child("evict", work.resolve("evict-" + n).toString(), Integer.toString(n), quick ? "20" : "100");
      figures.put("evict.miss." + n, e.get("evict.miss.mean"));
      figures.put("evict.evicting." + n, e.get("evict.evicting"));
      keepOverflow("evict", e, n);
      if (n == cells[cells.length - 1]) { // the peer, as many loads over its limit as memokit made misses
        keepOverflow("evictpeer", child("evictpeer", Integer.toString(n), String.format("%.0f", e.get("evict.misses"))), n);
      }
    }
    contention();
    new PostgresFigures(this).run();
  }

  /** Keeps the figures of the evicting calls a child timed ({@code NAME.overflow.*}), for a block of maxsize {@code n}. */
  private void keepOverflow(String name, Map<String, Double> child, int n) {
    for (String figure : List.of("mean", "p99", "max", "gc-paused", "max.without-gc", "max.at")) {
      figures.put(name + ".overflow." + figure + "." + n, child.get(name + ".overflow." + figure));
    }
  }

  /** First hits in fresh JVMs against plain reads of cell files of the same size, in the same JVMs. */
  void firstHits() throws Exception {
    for (int[] plan : FIRST_HIT_PLANS) {
      int size = plan[0];
      int cells = plan[1];
      int perJvm = plan[2];
      if (quick && size > 65536) continue;
      Path store = work.resolve("first-" + size);
      child("fill", store.toString(), "first", Integer.toString(size), Integer.toString(cells));
      child("fill", store.toString(), "warm", "64", "10000");
      List<Double> hits = new ArrayList<>();
      List<Double> reads = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> coldHits = new ArrayList<>();
      List<Double> coldReads = new ArrayList<>();
      List<Double> preads = new ArrayList<>();
      List<Double> preadRatios = new ArrayList<>();
      for (int from = 10; from + perJvm <= cells - 10; from += perJvm) {
        Map<String, Double> r = child("firsthit", store.toString(), "first", Integer.toString(size),
            Integer.toString(from), Integer.toString(perJvm));
        hits.add(r.get("firsthit.median"));
        reads.add(r.get("read.median"));
        ratios.add(r.get("ratio.median"));
        coldHits.add(r.get("cold.firsthit"));
        coldReads.add(r.get("cold.read"));
        if (r.containsKey("pread.median")) {
          preads.add(r.get("pread.median"));
          preadRatios.add(r.get("pread.ratio.median"));
        }
        if (quick) break;
      }
      figures.put("firsthit." + size, median(hits));
      figures.put("firsthit.read." + size, median(reads));
      figures.put("firsthit.ratio." + size, median(ratios));
      figures.put("cold.firsthit." + size, median(coldHits));
      figures.put("cold.read." + size, median(coldReads));
      if (!preads.isEmpty()) {
        figures.put("firsthit.pread." + size, median(preads));
        figures.put("firsthit.pread.ratio." + size, median(preadRatios));
      }
      Fixture.delete(store);
    }
  }

  /** The median: of an even count, the mean of the two middle values. */
  static double median(List<Double> v) {
    List<Double> c = new ArrayList<>(v);
    c.sort(Double::compare);
    int n = c.size();
    return n % 2 == 1 ? c.get(n / 2) : (c.get(n / 2 - 1) + c.get(n / 2)) / 2;
  }

  /** Three rounds of every configuration, interleaved; each figure is the median of its rounds. */
  void contention() throws Exception {
    Map<String, List<Double>> rounds = new LinkedHashMap<>();
    for (int round = 0; round < (quick ? 1 : 3); round++) {
      for (int threads : new int[] {1, 2}) {
        for (String mode : new String[] {"memokit", "plain"}) {
          contention(threads, mode, round);
        }
      }
      for (Map.Entry<String, Double> e : figures.entrySet()) {
        if (e.getKey().startsWith("contention.memokit.") || e.getKey().startsWith("contention.plain.")) {
          rounds.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
      }
    }
    for (Map.Entry<String, List<Double>> e : rounds.entrySet()) figures.put(e.getKey(), median(e.getValue()));
  }

  /** P processes x T threads on 2,000 keys; {@code plain}: each process its own in-memory map (the floor). */
  void contention(int threadsPerProcess, String mode, int round) throws Exception {
    String tag = mode + "." + threadsPerProcess + "t.";
    for (int procs : new int[] {1, 2, 4}) {
      Path store = work.resolve("contend-" + tag + procs + "-" + round);
      Files.createDirectories(store.getParent());
      double[] r = contend(store.toString(), work.resolve("contend-" + tag + procs + "-" + round + ".side"), procs,
          threadsPerProcess, mode);
      figures.put("contention." + tag + procs, r[0]);
      if (mode.equals("memokit")) figures.merge("contention.exactly-once." + tag + procs, r[1], Math::min);
    }
  }

  static final int CONTENTION_KEYS = 2000;

  /**
   * {@code procs} fresh processes x {@code threadsPerProcess} threads calling one memoized function
   * (or, {@code plain}, each its own map) on random keys among {@link #CONTENTION_KEYS} of the store at
   * {@code location}, its body logging each computed key in {@code side}: the calls per second of all
   * together, and 1 if each key was computed exactly once with no wrong value (else 0).
   */
  double[] contend(String location, Path side, int procs, int threadsPerProcess, String mode) throws Exception {
    int seconds = quick ? 1 : 5;
    int keys = CONTENTION_KEYS;
    // Every process warmed up by then: with 6 s, the JIT compilers of 4 JVMs sharing 2 cores were still
    // at work in the counted seconds on a PostgreSQL store (40% of the CPU; its misses warm up longer).
    long startAt = System.currentTimeMillis() + (quick ? 4000 : 12000);
    Files.createFile(side);
    List<Thread> threads = new ArrayList<>();
    double[] calls = new double[procs];
    double[] wrong = new double[procs];
    Exception[] failure = new Exception[1];
    for (int p = 0; p < procs; p++) {
      int id = p;
      Thread t = new Thread(() -> {
        try {
          Map<String, Double> r = child("contend", location, side.toString(), Integer.toString(threadsPerProcess),
              Integer.toString(seconds), Integer.toString(keys), Integer.toString(id), Long.toString(startAt), mode);
          calls[id] = r.get("calls");
          wrong[id] = r.get("wrong");
        } catch (Exception e) {
          failure[0] = e;
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
    if (failure[0] != null) throw failure[0];
    List<String> computed = Files.readAllLines(side);
    double total = 0;
    for (double c : calls) total += c;
    double wrongTotal = 0;
    for (double w : wrong) wrongTotal += w;
    boolean once = computed.size() == keys && new HashSet<>(computed).size() == keys && wrongTotal == 0;
    return new double[] {total / seconds, once ? 1.0 : 0.0};
  }
}
