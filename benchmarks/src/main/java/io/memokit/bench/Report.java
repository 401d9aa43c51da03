package io.memokit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Writes the suite's figures as a Markdown table (figure, value, floor, ratio, target, met) and a PNG plot. */
final class Report {

  private Report() {}

  private record Row(String figure, String value, String floor, String ratio, String target, String met) {}

  static String time(Double ns) {
    if (ns == null) return "n/a";
    if (ns < 1_000) return String.format("%.0f ns", ns);
    if (ns < 1_000_000) return String.format("%.1f µs", ns / 1e3);
    return String.format("%.2f ms", ns / 1e6);
  }

  static String size(int bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " B";
  }

  static void write(Suite s, Path out, double loadBefore, double loadAfter, double minutes) throws IOException {
    Map<String, Double> f = s.figures;
    Map<String, Double> err = s.errors;
    List<Row> rows = new ArrayList<>();
    for (int size : new int[] {64, 65536, 16 * 1024 * 1024}) {
      Double hit = f.get("CoreBench.repeatedHit." + size);
      rows.add(new Row("repeated hit, same process, " + size(size) + " value", time(hit) + pm(err.get("CoreBench.repeatedHit." + size)),
          "-", "-", "< 1 µs", met(hit != null && hit < 1000)));
    }
    Double reads0 = f.get("ReadsBench.hitReading0");
    for (String n : new String[] {"1", "3"}) {
      Double reads = f.get("ReadsBench.hitReading" + n);
      Double extra = reads == null || reads0 == null ? null : reads - reads0;
      rows.add(new Row("repeated hit of a function reading " + n + " small top-level variable" + (n.equals("1") ? "" : "s")
          + " (keyed at each call)", time(reads) + pm(err.get("ReadsBench.hitReading" + n)), "reading none: "
          + time(reads0), extra == null ? "n/a" : "+" + time(extra), "≤ a few hundred ns more",
          met(extra != null && extra <= 300)));
    }
    rows.add(ratioRow("repeated hit, 3 small values passed as arguments (the peer of reading 3 variables)",
        f.get("ReadsBench.hitPassing3"), "reading them as variables", f.get("ReadsBench.hitReading3"), -1));
    int[] firstHitSizes = {64, 4096, 65536, 16 * 1024 * 1024};
    for (int size : firstHitSizes) {
      Double hit = f.get("firsthit." + size);
      Double read = f.get("firsthit.read." + size);
      rows.add(pairedRow("first hit in a new process, " + size(size) + " value (median)", hit, "plain read of a cell file",
          read, f.get("firsthit.ratio." + size), 2.0));
    }
    for (int size : new int[] {64, 4096}) {
      rows.add(pairedRow("first hit in a new process, " + size(size) + " value (median), against an open file", f.get("firsthit." + size),
          "pread of as many bytes from a file held open", f.get("firsthit.pread." + size), f.get("firsthit.pread.ratio." + size), 2.0));
    }
    for (int size : firstHitSizes) {
      rows.add(ratioRow("the very first call in a new JVM, " + size(size) + " value (cold code, informational)",
          f.get("cold.firsthit." + size), "first plain read in that JVM", f.get("cold.read." + size), -1));
    }
    for (int size : new int[] {64, 65536, 16 * 1024 * 1024}) {
      Double miss = f.get("miss." + size);
      Double floor = f.get("miss.floor." + size);
      rows.add(pairedRow("miss bookkeeping, trivial function, " + size(size) + " value (median)", miss, "write-and-rename",
          floor, f.get("miss.ratio." + size), 2.0));
    }
    for (int size : Suite.SMALL_SIZES) rows.add(peerMissRow(f, size));
    rows.add(new Row("floor: stat of a file", time(f.get("CoreBench.stat.64")), "-", "-", "-", "-"));
    rows.add(new Row("floor: open, lock, close a file", time(f.get("CoreBench.openLockClose.64")), "-", "-", "-", "-"));
    rows.add(new Row("floor: plain read, 64 B / 64 KiB / 16 MiB", time(f.get("CoreBench.readFile.64")) + " / "
        + time(f.get("CoreBench.readFile.65536")) + " / " + time(f.get("CoreBench.readFile.16777216")), "-", "-", "-", "-"));
    int small = s.cells[0];
    int big = s.cells[s.cells.length - 1];
    String sizes = cellCounts(s.cells);
    rows.add(new Row("floor: ConcurrentHashMap<Integer,Integer> get at " + sizes + " entries", times(f, "growth.maphit.", s.cells),
        "-", growth(f, "growth.maphit.", small, big), "-", "-"));
    for (String kind : new String[] {"memoryhit", "filehit"}) {
      Double atSmall = f.get("growth." + kind + "." + small);
      Double atBig = f.get("growth." + kind + "." + big);
      String label = kind.equals("memoryhit") ? "hit (in memory)" : "hit (from file, fresh process, median)";
      rows.add(new Row(label + " at " + sizes + " cells", times(f, "growth." + kind + ".", s.cells), "at " + cellCount(small) + " cells",
          growth(f, "growth." + kind + ".", small, big), "≤ 1.5x", met(atBig != null && atBig / atSmall <= 1.5)));
    }
    rows.add(new Row("miss at " + sizes + " cells (mean of the last 1,000)", times(f, "growth.miss.", s.cells), "-",
        growth(f, "growth.miss.", small, big), "-", "-"));
    Double open = f.get("open." + big);
    rows.add(new Row("open a store with " + cellCount(big) + " cells and hit one (warm JVM, best of 3)", time(open), "-", "-", "< 50 ms",
        met(open != null && open < 50e6)));
    for (int n : s.cells) {
      Double worst = f.get("evict.overflow.max." + n);
      Double evicting = f.get("evict.evicting." + n);
      Double peerWorst = f.get("evictpeer.overflow.max." + n);
      String peer = peerWorst == null ? "-" : "Caffeine, maximumSize " + cellCount(n) + ", full: a load that evicts (mean / p99 / worst) "
          + time(f.get("evictpeer.overflow.mean." + n)) + " / " + time(f.get("evictpeer.overflow.p99." + n)) + " / " + time(peerWorst);
      rows.add(new Row("miss in a full block of " + cellCount(n) + " (mean) / a miss that evicts (mean / p99 / worst, of "
          + (evicting == null ? "n/a" : String.format("%.0f", evicting)) + ")",
          time(f.get("evict.miss." + n)) + " / " + time(f.get("evict.overflow.mean." + n)) + " / "
              + time(f.get("evict.overflow.p99." + n)) + " / " + time(worst), peer,
          peerWorst == null || worst == null ? "-" : String.format("%.2f (worsts)", worst / peerWorst),
          n == big ? "worst ≤ 1 ms" : "-", n == big ? met(worst != null && worst <= 1e6) : "-"));
      Double paused = f.get("evict.overflow.gc-paused." + n);
      if (n == big && paused != null) {
        Double peerPaused = f.get("evictpeer.overflow.gc-paused." + n);
        rows.add(new Row("the same, without the misses a garbage collection paused: worst / how many it paused"
            + " / the worst of all was the n-th (from 0)",
            time(f.get("evict.overflow.max.without-gc." + n)) + " / " + String.format("%.0f", paused) + " / "
                + String.format("%.0f", f.get("evict.overflow.max.at." + n)),
            peerPaused == null ? "-" : "Caffeine: " + time(f.get("evictpeer.overflow.max.without-gc." + n)) + " / "
                + String.format("%.0f / %.0f", peerPaused, f.get("evictpeer.overflow.max.at." + n)), "-", "-", "-"));
      }
    }
    boolean once = true;
    for (int t : new int[] {1, 2}) {
      String m = "contention.memokit." + t + "t.";
      String p = "contention.plain." + t + "t.";
      Double c1 = f.get(m + 1);
      Double c4 = f.get(m + 4);
      rows.add(new Row("calls per second, 1 / 2 / 4 processes x " + t + " thread" + (t > 1 ? "s" : "") + ", 2,000 keys",
          String.format("%,.0f / %,.0f / %,.0f", c1, f.get(m + 2), c4),
          String.format("plain in-process map: %,.0f / %,.0f / %,.0f", f.get(p + 1), f.get(p + 2), f.get(p + 4)),
          String.format("%.2f (map: %.2f)", c4 / c1, f.get(p + 4) / f.get(p + 1)), "4 procs ≥ 1 proc", met(c4 >= c1)));
      for (int procs : new int[] {1, 2, 4}) once &= f.get("contention.exactly-once.memokit." + t + "t." + procs) == 1;
    }
    rows.add(new Row("each key computed exactly once under contention (1, 2, 4 processes)", once ? "yes" : "NO", "-", "-",
        "yes", met(once)));
    rows.addAll(postgresRows(f));
    for (String v : new String[] {"record", "records", "bytes64k", "bytes16m", "jshellRecord"}) {
      rows.add(ratioRow("memokit format encode (miss side), " + v, f.get("CodecBench.memokitEncode." + v), "FST",
          f.get("CodecBench.fstEncode." + v), -1));
      rows.add(ratioRow("memokit format decode (hit side), " + v, f.get("CodecBench.memokitDecode." + v), "FST",
          f.get("CodecBench.fstDecode." + v), -1));
      rows.add(ratioRow("FST encode (miss side), " + v, f.get("CodecBench.fstEncode." + v), "Java serialization",
          f.get("CodecBench.javaEncode." + v), -1));
      rows.add(ratioRow("FST decode (hit side), " + v, f.get("CodecBench.fstDecode." + v), "Java serialization",
          f.get("CodecBench.javaDecode." + v), -1));
    }
    for (int bytes : new int[] {1024, 1048576, 104857600}) {
      Double t = f.get("KeyBench.doubleArray." + bytes);
      double gbps = t == null ? 0 : bytes / t;
      rows.add(new Row("key of a double[] of " + size(bytes), time(t) + String.format(" (%.2f GB/s)", gbps), "-", "-",
          bytes == 104857600 ? "≫ 1 GB/s" : "-", bytes == 104857600 ? met(gbps > 1.0) : "-"));
    }
    Double boxed = f.get("KeyBench.boxedList.1048576");
    rows.add(new Row("key of a List<Double> of 1 MiB of doubles (boxed)", time(boxed)
        + (boxed == null ? "" : String.format(" (%.2f GB/s)", 1048576 / boxed)), "-", "-", "-", "-"));

    StringBuilder md = new StringBuilder();
    md.append("# memokit benchmark report\n\n");
    md.append(String.format("%s on %s (%d cores), %s %s; load average %.2f before, %.2f after; suite %.1f min%s.%n%n",
        LocalDate.now(), cpu(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), loadBefore, loadAfter, minutes, s.quick ? " (--quick: smoke run, not for comparison)" : ""));
    md.append("Regenerate with `bin/bench`. Floors are measured in the same run on the same disk. JMH figures are "
        + "means with their 99.9% error (1 fork, 3 warm-up + 5 measured iterations of 1 s); fresh-JVM figures are "
        + "medians. The plot is `latency-vs-cells.png`; raw JMH results are in `jmh.json`.\n\n");
    md.append("| figure | value | floor | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      md.append("| ").append(r.figure()).append(" | ").append(r.value()).append(" | ").append(r.floor()).append(" | ")
          .append(r.ratio()).append(" | ").append(r.target()).append(" | ").append(r.met()).append(" |\n");
    }
    String peers = peersTable(f) + "\n" + javaPeersWorkload() + "\n\n" + javaPeersTable(f, err);
    String workload = peersWorkload(s);
    md.append("\n## Peers: python-diskcache, joblib.Memory, Caffeine and Ehcache 3\n\n").append(workload).append("\n\n").append(peers);
    Path codecs = out.resolve("CODECS.md");
    if (Files.exists(codecs)) {
      // The codec table compares memokit's format with FST, Apache Fory, Kryo and Java serialization on
      // JDK 17 and 25: a JMH run of its own per JDK (CodecBench), kept in CODECS.md and shown here whole.
      md.append("\n## Codecs on JDK 17 and 25 (from CODECS.md)\n\n")
          .append(Files.readString(codecs).replaceFirst("(?s)^# [^\n]*\n+", ""));
    }
    md.append("\n## What each figure is\n\n").append(DEFINITIONS);
    Path notes = out.resolve("NOTES.md");
    if (Files.exists(notes)) md.append("\n").append(Files.readString(notes));
    Files.writeString(out.resolve(s.quick ? "REPORT-quick.md" : "REPORT.md"), md.toString());
    Files.writeString(out.resolve(s.quick ? "PEERS-quick.md" : "PEERS.md"), String.format(
        "<!-- Written by bin/bench (Report.java): the tables of docs/benchmarks.md under \"Against python-diskcache and "
            + "joblib.Memory\" and \"Against Caffeine and Ehcache 3\". -->%n"
            + "%s on %s (%d cores), %s %s%s. %s%n%n%s",
        LocalDate.now(), cpu(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), s.quick ? " (--quick: smoke run, not for comparison)" : "", workload, peers));
    plot(f, s.cells, out.resolve(s.quick ? "latency-vs-cells-quick.png" : "latency-vs-cells.png"));
  }

  private static String peersWorkload(Suite s) {
    return String.format("The small-values workload, the same in every library: in a fresh process on a fresh store (on the "
        + "same disk), %,d misses then %,d hits of a memoized `f(i, \"abc\")`, after a warm-up of 10,000 misses and 10,000 "
        + "hits of another function; then, in another fresh process, after 10,000 first hits of that other function, %,d first hits. Every call timed; median (mean) "
        + "per call, median of %d round(s) interleaving the libraries. memokit's tuple is `List.of(i, \"abc\", i * 0.5)`, "
        + "Python's `(i, \"abc\", i * 0.5)`; the 4 KiB value is the same prepared random bytes for every key (`byte[]`, "
        + "`bytes`; memokit's function returns a new array of a string it captures, as memokit keys an array a function "
        + "reads at each call, and every library then keys `(i, \"abc\")` alone). diskcache is `diskcache.Cache(dir).memoize()`, joblib `joblib.Memory(dir, verbose=0).cache`, on "
        + "%s: %s.", s.smallCount, s.smallCount, s.smallCount, s.smallRounds, Suite.PYTHON, s.peerVersions);
  }

  /** memokit, diskcache and joblib on the small-values workload: REPORT.md's peers section and PEERS.md. */
  static String peersTable(Map<String, Double> f) {
    StringBuilder t = new StringBuilder("| per call: median (mean) | memokit | python-diskcache | joblib.Memory "
        + "| memokit / diskcache | memokit / joblib |\n| --- | --- | --- | --- | --- | --- |\n");
    String[][] kinds = {{"miss", "miss"}, {"hit", "hit, same process"}, {"freshhit", "first hit, new process"}};
    for (int size : Suite.SMALL_SIZES) {
      for (String[] kind : kinds) {
        t.append("| ").append(kind[1]).append(", ").append(smallValue(size));
        for (String peer : Suite.PEERS) {
          String key = "small." + peer + "." + size + "." + kind[0];
          t.append(" | ").append(time(f.get(key + ".median"))).append(" (").append(time(f.get(key + ".mean"))).append(")");
        }
        Double memokit = f.get("small.memokit." + size + "." + kind[0] + ".median");
        for (String peer : new String[] {"diskcache", "joblib"}) {
          Double other = f.get("small." + peer + "." + size + "." + kind[0] + ".median");
          t.append(" | ").append(memokit == null || other == null ? "n/a" : String.format("%.3f", memokit / other));
        }
        t.append(" |\n");
      }
    }
    return t.toString();
  }

  /** What the Java peers' table measures (its figures come from {@link CaffeineBench} and {@link EhcacheFigures}). */
  private static String javaPeersWorkload() {
    return String.format("Java peers, in the same run, on the keys and values of memokit's figures in their rows: Caffeine "
        + "%s in process, Ehcache %s with a persistent disk tier; the ratio is memokit's figure over the peer's (below 1: "
        + "memokit is faster). Hits from memory are JMH means (`CaffeineBench`): a memoized `f(i, \"abc\")` returning "
        + "`List.of(i, \"abc\", i * 0.5)`, every key present, called on keys drawn at random among 1k or 100k; Caffeine's "
        + "key is a record `Args(i, \"abc\")`, its `maximumSize` 2n as memokit's block's maxsize. Ehcache runs in fresh JVMs "
        + "(`EhcacheChild`): `heap(100 entries).disk(64 MB, persistent)` configured in code, `Integer` keys, 64 B `byte[]` "
        + "values. Its first hit is a get after a restart, in a new JVM that opened the persisted cache (the heap tier "
        + "empty: each timed get a hit of the disk tier, checked), on memokit's cells, warm-up and JVMs; its miss is a get "
        + "that finds nothing then the put (Ehcache queues the file write for its own thread; nothing is forced to disk), "
        + "alternating with a write-and-rename of the same bytes as memokit's miss does.",
        version(com.github.benmanes.caffeine.cache.Caffeine.class), version(org.ehcache.Cache.class));
  }

  private static String version(Class<?> c) {
    String v = c.getPackage().getImplementationVersion();
    return v == null ? "(version unknown)" : v;
  }

  /** memokit against Caffeine and Ehcache 3, each figure measured in this run: ratio memokit / peer. */
  static String javaPeersTable(Map<String, Double> f, Map<String, Double> err) {
    StringBuilder t = new StringBuilder("| per call | memokit | Java peer | memokit / peer |\n| --- | --- | --- | --- |\n");
    String[][] caffeine = {{"caffeineGetIfPresent", "`getIfPresent(new Args(i, \"abc\"))`"},
        {"caffeineGet", "`get(new Args(i, \"abc\"), loader)`"}};
    for (int keys : new int[] {1000, 100_000}) {
      String memokit = "CaffeineBench.memokitHit." + keys;
      for (String[] c : caffeine) {
        String peer = "CaffeineBench." + c[0] + "." + keys;
        javaPeerRow(t, "repeated hit, same process, " + smallValue(0) + ", random key among " + cellCount(keys) + " (JMH mean)",
            f.get(memokit), time(f.get(memokit)) + pm(err.get(memokit)), "Caffeine " + c[1], f.get(peer),
            time(f.get(peer)) + pm(err.get(peer)));
      }
    }
    javaPeerRow(t, "first hit in a new process (after a restart), 64 B value (median)", f.get("firsthit.64"),
        time(f.get("firsthit.64")), "Ehcache 3, disk tier", f.get("ehcache.firsthit.64"), time(f.get("ehcache.firsthit.64")));
    javaPeerRow(t, "the very first call in a new JVM (open the store, first hit), 64 B value, cold", f.get("cold.firsthit.64"),
        time(f.get("cold.firsthit.64")), "Ehcache 3: open the persisted cache manager, first get",
        f.get("ehcache.cold.firsthit.64"), time(f.get("ehcache.cold.firsthit.64")));
    javaPeerRow(t, "miss, 64 B value (median; in brackets, median ratio to a write-and-rename in the same loop)",
        f.get("miss.64"), time(f.get("miss.64")) + floorRatio(f.get("miss.ratio.64")), "Ehcache 3: get, then put",
        f.get("ehcache.miss.64"), time(f.get("ehcache.miss.64")) + floorRatio(f.get("ehcache.miss.ratio.64")));
    return t.toString();
  }

  private static void javaPeerRow(StringBuilder t, String figure, Double memokit, String memokitText, String peerName, Double peer,
                                  String peerText) {
    t.append("| ").append(figure).append(" | ").append(memokitText).append(" | ").append(peerName).append(": ").append(peerText)
        .append(" | ").append(memokit == null || peer == null ? "n/a" : String.format("%.3f", memokit / peer)).append(" |\n");
  }

  private static String floorRatio(Double ratio) {
    return ratio == null ? "" : String.format(" (%.2fx)", ratio);
  }

  static String smallValue(int size) {
    return size == 0 ? "`f(i, \"abc\")` → `(i, \"abc\", i * 0.5)`" : "`f(i, \"abc\")` → " + size(size) + " of bytes";
  }

  /** The target for a miss of a value up to 4 KiB: at most 25 µs (median), and 4x faster than diskcache. */
  private static Row peerMissRow(Map<String, Double> f, int size) {
    Double memokit = f.get("small.memokit." + size + ".miss.median");
    Double diskcache = f.get("small.diskcache." + size + ".miss.median");
    String figure = "miss, " + smallValue(size) + " (median, peers section)";
    String target = "≤ 25 µs and ≤ 0.25x";
    if (memokit == null || diskcache == null) return new Row(figure, time(memokit), "python-diskcache", "n/a", target, "-");
    double ratio = memokit / diskcache;
    return new Row(figure, time(memokit), "python-diskcache: " + time(diskcache), String.format("%.2f", ratio), target,
        met(memokit <= 25_000 && ratio <= 0.25));
  }

  private static String cellCount(int n) {
    return n % 1000 == 0 ? n / 1000 + "k" : Integer.toString(n);
  }

  private static String cellCounts(int[] cells) {
    List<String> c = new ArrayList<>();
    for (int n : cells) c.add(cellCount(n));
    return String.join(" / ", c);
  }

  /** The figures {@code prefix + n} for each block size, as "a / b / c". */
  private static String times(Map<String, Double> f, String prefix, int[] cells) {
    List<String> c = new ArrayList<>();
    for (int n : cells) c.add(time(f.get(prefix + n)));
    return String.join(" / ", c);
  }

  /** How much a figure grows from the smallest block to the largest. */
  private static String growth(Map<String, Double> f, String prefix, int small, int big) {
    Double a = f.get(prefix + small);
    Double b = f.get(prefix + big);
    return a == null || b == null ? "n/a" : String.format("%.2f", b / a);
  }

  /** The PostgreSQL store's rows ({@link PostgresFigures}); none if the suite measured none. */
  private static List<Row> postgresRows(Map<String, Double> f) {
    List<Row> rows = new ArrayList<>();
    for (int size : PostgresFigures.SIZES) {
      if (!f.containsKey("pg.firsthit." + size)) continue;
      rows.add(pairedRow("PostgreSQL: first hit in a new process, " + size(size) + " value (median)",
          f.get("pg.firsthit." + size), "plain JDBC SELECT of the same bytes by primary key",
          f.get("pg.firsthit.select." + size), f.get("pg.firsthit.ratio." + size), 2.0));
    }
    for (int size : PostgresFigures.SIZES) {
      if (!f.containsKey("pg.miss." + size)) continue;
      rows.add(pairedRow("PostgreSQL: miss bookkeeping, trivial function, " + size(size) + " value (median)",
          f.get("pg.miss." + size), "plain JDBC INSERT of the same bytes", f.get("pg.miss.insert." + size),
          f.get("pg.miss.ratio." + size), 2.0));
    }
    Double c1 = f.get("pg.contention.1");
    Double c4 = f.get("pg.contention.4");
    if (c1 != null && c4 != null) {
      rows.add(new Row("PostgreSQL: calls per second, 1 / 2 / 4 processes x 1 thread, 2,000 keys",
          String.format("%,.0f / %,.0f / %,.0f", c1, f.get("pg.contention.2"), c4), "1 process",
          String.format("%.2f", c4 / c1), "4 procs ≥ 1 proc", met(c4 >= c1)));
      boolean once = true;
      for (int procs : new int[] {1, 2, 4}) once &= f.getOrDefault("pg.contention.exactly-once." + procs, 0.0) == 1;
      rows.add(new Row("PostgreSQL: each key computed exactly once under contention (1, 2, 4 processes)",
          once ? "yes" : "NO", "-", "-", "yes", met(once)));
    }
    return rows;
  }

  private static final String DEFINITIONS = """
      - **repeated hit**: `f.apply(k)` for a cell this process already holds: canonical key, in-memory lookup,
        validation against the shared memory-mapped index, hit counters updated (no system call). JMH, one thread.
      - **ratios** against a floor measured pair by pair (first hit, miss) are the median of the per-pair ratios:
        each memokit operation ran right next to its floor, so the disk's changing write-back state cancels out.
      - **first hit in a new process**: in a fresh JVM, after warming both paths up on 10,000 first hits and plain
        reads of another block's cells, the first
        call for a cell stored by another process (key, lookup in the key directory, read of its record, CRC32C,
        decode, index bookkeeping), interleaved with a plain `Files.readAllBytes` of a file of the same size (the
        cell's own file for large values; small ones are records in the block's values log).
        Medians over 200 cells per JVM (15 for 16 MiB), median over five JVMs (one for 16 MiB).
      - **against an open file** (the target for values up to 4 KiB): in the same loop, a third floor, a read
        (`FileChannel.read` at an offset: pread) of as many bytes as the cell holds (`CellInfo.size`) into a new
        array, from a page-cached file the JVM opened beforehand, at a distinct offset each time: what a store
        keeping small values in one open file would pay at the least.
      - **the very first call in a new JVM**: `store(path)`, `memo(...)` and the first call, cold (memokit's
        classes loaded, FST configured, code interpreted), against the first `Files.readAllBytes` in the same
        JVM (also cold, but the JDK's file classes are partly loaded already). What a new kernel pays once.
      - **miss bookkeeping**: a call of a trivial function (it returns a prepared array) on a new key: key,
        lookup, cell lock, index allocation, encoding, CRC32C, the record appended to the values log (values up to
        16 KiB) or written to a temporary file and renamed, index update.
        Floor: writing the same bytes to a new file and renaming it. The two alternate in one loop in a fresh
        JVM (after 200 warm-up pairs), so both see the same disk write-back state; medians of 3,000 / 2,000 / 48.
      - **growth**: one block filled to 1k, 10k or 100k cells (maxsize above); hits on random keys from memory
        (best of 3 loops of 10^6 calls after 6x10^5 of warm-up, alternating with the floor: the same lookups in a
        plain ConcurrentHashMap of that size) and,
        in a fresh JVM warmed up on 3,000 first hits of another block, first hits from files of distinct cells
        (median of 1,000 to 5,000);
        misses are the mean of the last 1,000 made while filling.
      - **open**: in a JVM that already used memokit on another store, the time from `store(path)` to the first
        hit of a block of 100k cells.
      - **eviction**: misses on new keys in a full block of maxsize N, each timed; a miss evicted if memokit
        reported an OVERFLOW during it (trace listener), whatever the policy. At least max(2,000, N/16) misses,
        and more until 100 of them evicted (at most 2N + 2,000): the mean of all misses, and the mean, p99 and
        worst of those that evicted. The target (a miss that evicts, at 100k cells: at most 1 ms) is on the worst.
        Each call also notes whether a garbage collection ran during it (the collectors' counts before and after);
        the next row gives the worst of the others. Peer, at the largest size, in a fresh JVM of the same flags:
        Caffeine `maximumSize(N)` filled with N entries of the same keys and values, then as many `get(key, loader)`
        of new keys as memokit made misses (each one evicts), timed the same way.
      - **small values** (peers section, and the miss rows against python-diskcache): the small-values workload, run by
        `Child small` for memokit and `benchmarks/peers/small_values.py` for diskcache and joblib (as the peers
        section says).
        The miss target is for values up to 4 KiB: at most 25 µs median, and at least 4x faster than diskcache
        (a ratio memokit / diskcache of 0.25 at most).
      - **Java peers** (peers section, second table; ratios memokit / peer): **Caffeine**, JMH `CaffeineBench`:
        memokit's `f.apply(i, "abc")` and Caffeine's `getIfPresent` and `get(key, loader)` of the record
        `Args(i, "abc")`, all returning `List.of(i, "abc", i * 0.5)`, on the same precomputed keys drawn at random
        among 1k or 100k, every key present (memokit's block and Caffeine's cache bounded at 2n); each trial
        fills only the cache it measures. **Ehcache 3** (persistent disk tier, `EhcacheChild` in fresh JVMs, on
        memokit's 64 B plans): the first hit is the first get of a key in a JVM that reopened the persisted cache
        (heap tier empty; the tier statistics must count every timed get as a disk hit), after 10,000 first
        gets of another cache, medians over 200 keys per JVM and over the JVMs, as memokit's first hit; the
        very first call opens the cache manager and gets one key, cold; the miss is a get finding nothing then
        a put, alternating with a write-and-rename of the same bytes (medians of 3,000 after 200 warm-up pairs).
      - **contention**: P processes x T threads calling one memoized function on random keys among 2,000 (the
        body appends its key to a side file); every process warms up until a common start time (12 s after the
        processes start: with 6 s, the JIT compilers of 4 JVMs on 2 cores were still at work, 40% of the CPU, in
        the counted seconds of a PostgreSQL store), then all count their calls during the same 5 s: calls per second (median of 3 rounds, configurations interleaved), and
        exactly-once in every round (2,000 distinct lines, no wrong value).
        Floor: the same calls on a plain in-process `ConcurrentHashMap` memo in each process (no store). The
        machine has 2 cores: 1 process with 2 threads already uses both, so more processes only add contention.
      - **PostgreSQL** (a server started by the suite as the tests start theirs: Debian's binaries, 127.0.0.1,
        fsync and synchronous commit off, for memokit and its floors alike; a fresh database per figure): each
        memokit call alternates in one loop, in a fresh JVM, with its floor on a plain JDBC connection opened
        and a statement prepared beforehand, after warm-ups of both. **First hit**: after 10,000 first hits and
        SELECTs of another block's cells and rows (as the directory store's first hit warms up), a cell another process
        stored (a SELECT of its row and its block's, CRC32C, decode; the hit is counted in the next round of hit
        counts), against `SELECT data FROM bench_floor WHERE id = ?` returning the same bytes, both tables
        vacuumed and analysed after they were filled; medians over 200 cells per JVM (20 for 4 MiB), median over
        the JVMs. **Miss**: a trivial function's new key (five round trips: a read, the claim with the read that
        follows it, the start, the completion, the release; the schema's routines do each step in one call)
        against an autocommitted `INSERT` of the same bytes; medians of 2,000 / 1,000 / 40. Values above
        1 MiB go in 1 MiB chunks. **Calls per second**: the contention figure above on a PostgreSQL store,
        1, 2 and 4 processes x 1 thread (hits from memory, validated by the block's generation).
      - **codec**: FST (memokit's default) and Java serialization on the same values, JMH.
      - **key encoding**: `KeyWriter.key` of one `double[]` argument; above 64 KiB the encoding streams through a
        128-bit hash.
      """;

  /** A value against its floor where the ratio is the median of per-pair ratios (pairs ran back to back). */
  private static Row pairedRow(String figure, Double value, String floorName, Double floor, Double ratio, double maxRatio) {
    if (value == null || floor == null || ratio == null) return new Row(figure, time(value), floorName, "n/a", "≤ 2x", "-");
    return new Row(figure, time(value), floorName + ": " + time(floor), String.format("%.2f", ratio),
        "≤ " + (int) maxRatio + "x", met(ratio <= maxRatio));
  }

  private static Row ratioRow(String figure, Double value, String floorName, Double floor, double maxRatio) {
    if (value == null || floor == null) return new Row(figure, time(value), floorName, "n/a", maxRatio > 0 ? "≤ " + maxRatio + "x" : "-", "-");
    double ratio = value / floor;
    return new Row(figure, time(value), floorName + ": " + time(floor), String.format("%.2f", ratio),
        maxRatio > 0 ? "≤ " + (int) maxRatio + "x" : "-", maxRatio > 0 ? met(ratio <= maxRatio) : "-");
  }

  private static String pm(Double e) {
    return e == null || e.isNaN() ? "" : " ± " + time(e);
  }

  private static String met(boolean ok) {
    return ok ? "yes" : "**no**";
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException ignored) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static void plot(Map<String, Double> f, int[] cells, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    String[][] series = {{"growth.memoryhit.", "hit from memory"}, {"growth.filehit.", "hit from file (fresh process)"},
        {"growth.miss.", "miss"}};
    for (String[] s : series) {
      XYSeries xy = new XYSeries(s[1]);
      for (int n : cells) {
        Double v = f.get(s[0] + n);
        if (v != null) xy.add(n, v / 1000.0);
      }
      data.addSeries(xy);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("memokit: latency against cells in a block", "cells in the block",
        "latency (µs, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    LogAxis x = new LogAxis("cells in the block");
    x.setBase(10);
    plot.setDomainAxis(x);
    LogAxis y = new LogAxis("latency (µs)");
    y.setBase(10);
    plot.setRangeAxis(y);
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 800, 500);
  }
}
