package io.memokit.bench;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Memo.MemoFn1;
import io.memokit.Memo.MemoFn2;
import io.memokit.MemoStore;
import io.memokit.cell.Trace;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What the harness runs in fresh JVMs. Each mode prints {@code RESULT name value} lines (values in
 * nanoseconds unless the name says otherwise). Modes:
 * <pre>
 *   fill STORE NAME SIZE COUNT            create COUNT cells of SIZE-byte values (maxsize above COUNT)
 *   firsthit STORE NAME SIZE FROM COUNT   first hits of cells FROM..FROM+COUNT-1 in this process, interleaved
 *                                         with plain reads of other cells' files of the same size
 *   growth STORE N                        fill a block to N cells (timing the last misses), then time
 *                                         repeated hits (memory) on random keys
 *   filehits STORE N                      first hits on random keys of a block of N cells (from files)
 *   open STORE N WARMSTORE                time store() + first hit on a block of N cells, after warming
 *                                         memokit up on another store
 *   evict STORE N [EVICTING]              overflow a full block of maxsize N: time per miss, and per miss that
 *                                         evicts (mean, p99, worst), until EVICTING of them (default 100) were seen
 *   evictpeer N COUNT                     the same in Caffeine (maximumSize N, filled): COUNT loads of new keys
 *   miss STORE SIZE COUNT                 alternately a miss (trivial function, SIZE-byte value) and a plain
 *                                         write-and-rename of the same bytes on the same disk (the floor)
 *   contend STORE SIDE THREADS SECONDS KEYS SEED START   warm up until START (epoch ms), then count calls (STORE: a
 *                                         directory or a PostgreSQL URL)
 *   small STORE SIZE COUNT PHASE          issue 11's small-values workload, as benchmarks/peers/small_values.py
 *                                         runs it on python-diskcache and joblib (see {@link #smallValues})
 * </pre>
 */
public final class Child {

  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "fill" -> fill(Path.of(a[1]), a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
      case "firsthit" -> firstHit(Path.of(a[1]), a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
      case "growth" -> growth(Path.of(a[1]), Integer.parseInt(a[2]));
      case "filehits" -> fileHits(Path.of(a[1]), Integer.parseInt(a[2]));
      case "open" -> open(Path.of(a[1]), Integer.parseInt(a[2]), Path.of(a[3]));
      case "evict" -> evict(Path.of(a[1]), Integer.parseInt(a[2]), a.length > 3 ? Integer.parseInt(a[3]) : 100);
      case "evictpeer" -> evictPeer(Integer.parseInt(a[1]), Integer.parseInt(a[2]));
      case "miss" -> miss(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      case "contend" -> contend(a[1], a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]),
          Integer.parseInt(a[5]), Long.parseLong(a[6]), Long.parseLong(a[7]), a.length > 8 && a[8].equals("plain"));
      case "small" -> smallValues(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), a[4]);
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  static void result(String name, double value) {
    System.out.println("RESULT " + name + " " + value);
  }

  static MemoFn1<Integer, byte[]> sized(MemoStore s, String name, int size) {
    return memo(s, name, (Integer k) -> Fixture.bytes(size, k));
  }

  static void fill(Path store, String name, int size, int count) {
    MemoFn1<Integer, byte[]> f = sized(store(store), name, size);
    f.resize(Math.max(1024, count * 2));
    for (int k = 0; k < count; k++) f.apply(k);
    result("filled", count);
  }

  /**
   * After warming up on cells 0..9 (class loading, JIT), in turn: the first hit in this process
   * of cell k (memokit: key, read, checksum, decode, count), a plain Files.readAllBytes of the
   * file of another cell of the same size (a floor), and, for cells up to 1 MiB, a read (pread) of as
   * many bytes as the cell holds ({@code CellInfo.size}) from a file this JVM holds open, at a distinct
   * offset each time (the floor of the target for values up to 4 KiB: what a store that keeps small
   * values in one open file would pay at least). All three read page-cached bytes.
   */
  static void firstHit(Path store, String name, int size, int from, int count) throws Exception {
    // The very first call in this JVM (cold: class loading, interpreted code), and a cold plain read.
    long c0 = System.nanoTime();
    MemoStore s = store(store);
    MemoFn1<Integer, byte[]> f = sized(s, name, size);
    long sink0 = f.apply(from - 1).length;
    long c1 = System.nanoTime();
    long cellBytes = f.cells().stream().filter(c -> c.state() == CellInfo.State.VALUE).mapToLong(CellInfo::size)
        .findFirst().orElseThrow();
    List<Path> files = plainFiles(store, name, (int) cellBytes);
    long c2 = System.nanoTime();
    sink0 += Files.readAllBytes(files.get(files.size() / 2)).length;
    long c3 = System.nanoTime();
    result("cold.firsthit", c1 - c0);
    result("cold.read", c3 - c2);
    OpenFileFloor pread = cellBytes <= 1 << 20
        ? new OpenFileFloor(store.resolveSibling(store.getFileName() + "-pread-" + from), (int) cellBytes, count) : null;
    // Warm-up: first hits and plain reads on the cells of another block, so both paths are compiled.
    MemoFn1<Integer, byte[]> warm = sized(s, "warm", 64);
    List<Path> warmFiles = plainFiles(store, "warm", (int) warm.cells().get(0).size());
    long sink = 0;
    long warmCells = s.blocks().stream().filter(b -> b.name().equals("warm")).mapToLong(b -> b.size()).sum();
    for (int k = 0; k < warmCells; k++) {
      sink += warm.apply(k).length;
      sink += Files.readAllBytes(warmFiles.get(k % warmFiles.size())).length;
      if (pread != null) sink += pread.read(k);
    }
    long[] hits = new long[count];
    long[] reads = new long[count];
    long[] preads = new long[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      sink += f.apply(from + i).length;
      long t1 = System.nanoTime();
      sink += Files.readAllBytes(files.get((i * 7919 + 11) % files.size())).length;
      long t2 = System.nanoTime();
      if (pread != null) sink += pread.read(i);
      long t3 = System.nanoTime();
      hits[i] = t1 - t0;
      reads[i] = t2 - t1;
      preads[i] = t3 - t2;
    }
    result("firsthit.median", median(hits));
    result("read.median", median(reads));
    result("ratio.median", medianRatio(hits, reads));
    if (pread != null) {
      result("pread.median", median(preads));
      result("pread.ratio.median", medianRatio(hits, preads));
      result("cell.bytes", cellBytes);
      pread.close();
    }
    result("sink", (sink + sink0) % 2);
  }

  /** A file of {@code slots} records of {@code size} bytes, held open; {@link #read} preads one record. */
  static final class OpenFileFloor implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final int size;
    private final int slots;

    OpenFileFloor(Path path, int size, int slots) throws java.io.IOException {
      this.path = path;
      this.size = size;
      this.slots = slots;
      byte[] record = Fixture.bytes(size, 5);
      try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (int i = 0; i < slots; i++) {
          ByteBuffer b = ByteBuffer.wrap(record);
          while (b.hasRemaining()) out.write(b);
        }
      }
      channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    /** Reads record {@code i} (modulo the slots) into a new array, as a hit must return new bytes. */
    int read(int i) throws java.io.IOException {
      byte[] bytes = new byte[size];
      ByteBuffer b = ByteBuffer.wrap(bytes);
      long at = (long) (i % slots) * size;
      while (b.hasRemaining()) {
        if (channel.read(b, at + b.position()) < 0) throw new java.io.EOFException(path.toString());
      }
      return bytes[size - 1];
    }

    @Override
    public void close() throws java.io.IOException {
      channel.close();
      Files.delete(path);
    }
  }

  /**
   * Files to read plainly as a floor: the block's cell files when its values have files of their
   * own; else (small values, kept in the block's values log) as many files of the same size as the
   * cells, written beside the store.
   */
  static List<Path> plainFiles(Path store, String name, int bytes) throws java.io.IOException {
    List<Path> cells = cellFiles(store, name);
    if (!cells.isEmpty()) return cells;
    Path dir = store.resolveSibling(store.getFileName() + "-plain-" + name);
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) files.add(p);
      }
      if (!files.isEmpty()) return files;
    }
    Files.createDirectories(dir);
    int n = (int) Math.min(3000, store(store).blocks().stream().filter(b -> b.name().equals(name))
        .mapToLong(b -> b.size()).sum());
    byte[] content = Fixture.bytes(bytes, 7);
    for (int i = 0; i < Math.max(n, 1); i++) {
      Path p = dir.resolve(i + ".cell");
      Files.write(p, content);
      files.add(p);
    }
    return files;
  }

  /**
   * The cell files of the store's one block of function {@code name} (arity 1), in the directory store's
   * layout: {@code blocks/NAME(1)} followed by its code fingerprint ({@code #hex}) when unversioned.
   */
  static List<Path> cellFiles(Path store, String name) throws java.io.IOException {
    List<Path> blocks = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(store.resolve("blocks"), name + "(1)*")) {
      for (Path p : ds) blocks.add(p);
    }
    if (blocks.size() != 1) throw new IllegalStateException("not one block of " + name + " in " + store + ": " + blocks);
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(blocks.get(0).resolve("cells"))) return files;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(blocks.get(0).resolve("cells"))) {
      for (Path p : ds) files.add(p);
    }
    return files;
  }

  /** The median of value[i] / floor[i]: each pair ran back to back, so disk regime changes cancel out. */
  static double medianRatio(long[] values, long[] floors) {
    double[] r = new double[values.length];
    for (int i = 0; i < r.length; i++) r[i] = values[i] / (double) Math.max(1, floors[i]);
    Arrays.sort(r);
    return r[r.length / 2];
  }

  static double median(long[] v) {
    long[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  static MemoFn1<Integer, Integer> small(MemoStore s) {
    return memo(s, "grow", (Integer k) -> k * 3);
  }

  /** Fills to N (timing the last 1,000 misses), then times repeated hits on random keys. */
  static void growth(Path store, int n) {
    MemoStore s = store(store);
    MemoFn1<Integer, Integer> f = small(s);
    MemoFn1<Integer, Integer> warm = memo(s, "growwarm", (Integer k) -> k * 3); // read by filehits to warm up
    warm.resize(4000);
    for (int k = 0; k < 3000; k++) warm.apply(k);
    f.resize(n * 2);
    int timed = Math.min(1000, n / 2);
    for (int k = 0; k < n - timed; k++) f.apply(k);
    long t0 = System.nanoTime();
    for (int k = n - timed; k < n; k++) f.apply(k);
    result("miss.mean", (System.nanoTime() - t0) / (double) timed);
    Random r = new Random(1);
    long sink = 0;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 200_000; i++) sink += f.apply(r.nextInt(n));
    }
    // Floor: a plain in-memory cache of the same size, ConcurrentHashMap<Integer, Integer>, random keys.
    java.util.concurrent.ConcurrentHashMap<Integer, Integer> plain = new java.util.concurrent.ConcurrentHashMap<>();
    for (int k = 0; k < n; k++) plain.put(k, k * 3);
    for (int i = 0; i < 600_000; i++) sink += plain.get(r.nextInt(n));
    // Best of 3 loops of 10^6 random calls each, alternating memokit and the floor (least disturbed estimate).
    int ops = 1_000_000;
    double best = Double.MAX_VALUE;
    double bestMap = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long t1 = System.nanoTime();
      for (int i = 0; i < ops; i++) sink += f.apply(r.nextInt(n));
      long t2 = System.nanoTime();
      for (int i = 0; i < ops; i++) sink += plain.get(r.nextInt(n));
      long t3 = System.nanoTime();
      best = Math.min(best, (t2 - t1) / (double) ops);
      bestMap = Math.min(bestMap, (t3 - t2) / (double) ops);
    }
    result("memoryhit.mean", best);
    result("maphit.mean", bestMap);
    result("sink", sink % 2);
  }

  /** First hits of random keys of a block of N cells, in a fresh process (each read from its file). */
  static void fileHits(Path store, int n) {
    MemoStore s = store(store);
    MemoFn1<Integer, Integer> f = small(s);
    Random r = new Random(2);
    long sink = 0;
    // Warm-up: first hits of the 3,000 cells of another block, the same for every size.
    MemoFn1<Integer, Integer> warm = memo(s, "growwarm", (Integer k) -> k * 3);
    for (int k = 0; k < 3000; k++) sink += warm.apply(k);
    List<Integer> keys = new ArrayList<>();
    for (int k = 0; k < n; k++) keys.add(k);
    java.util.Collections.shuffle(keys, r);
    int ops = Math.min(5000, keys.size());
    long[] t = new long[ops];
    for (int i = 0; i < ops; i++) {
      int k = keys.get(i); // distinct keys: each call is this process's first for that cell
      long t0 = System.nanoTime();
      sink += f.apply(k);
      t[i] = System.nanoTime() - t0;
    }
    result("filehit.median", median(t));
    result("sink", sink % 2);
  }

  /** Time from store() to the first hit returning, memokit already warmed up on another store. */
  static void open(Path store, int n, Path warm) {
    MemoFn1<Integer, Integer> w = small(store(warm));
    for (int k = 0; k < 20; k++) w.apply(k);
    long t0 = System.nanoTime();
    MemoFn1<Integer, Integer> f = small(store(store));
    int v = f.apply(n / 2);
    long t1 = System.nanoTime();
    BlockInfo info = f.info();
    result("open.first-hit", t1 - t0);
    result("cells", info.size());
    result("sink", v % 2);
  }

  /**
   * Miss bookkeeping against its floor, alternated in one loop so that both see the same disk state
   * (with large values the kernel's write-back pressure dominates and changes over time): a miss of a
   * function returning a prepared array, then a write-and-rename of the same bytes in a sibling
   * directory. Medians after a warm-up of 200 pairs of small writes.
   */
  static void miss(Path store, int size, int count) throws Exception {
    misses(store(store), "", size, count, renameFloor(store));
  }

  /** {@link #writeAndRename} in a sibling directory of {@code store}: the floor of a miss on a directory. */
  static MissFloor renameFloor(Path store) throws java.io.IOException {
    Path floorDir = Files.createDirectories(store.resolveSibling(store.getFileName() + "-floor"));
    return new MissFloor() {
      @Override
      public void write(long id, byte[] bytes) throws Exception {
        writeAndRename(floorDir, (id < 0 ? "w" + (-1 - id) : "f" + id), bytes);
      }

      @Override
      public void reset() throws Exception {
        Fixture.delete(floorDir);
        Files.createDirectories(floorDir);
      }
    };
  }

  /** The floor of {@link #misses}: the same bytes written without memokit. */
  interface MissFloor {
    /** Writes {@code bytes} as record {@code id} (negative: the warm-up's). */
    void write(long id, byte[] bytes) throws Exception;

    /** Removes what was written (large values, every 8 misses: keeps the disk bounded; not timed). */
    void reset() throws Exception;
  }

  /** A call on one key, as {@link Misses} makes them. */
  interface KeyCall {
    void call(int key) throws Exception;
  }

  /**
   * What {@link #misses} times, for any cache: a miss on a key of the warm-up cache (a 64 B value), a miss
   * of the measured one (the prepared value), and emptying the measured one (large values, every 8 misses:
   * keeps the disk bounded; not timed).
   */
  record Misses(KeyCall warm, KeyCall miss, Runnable clear) {}

  /**
   * COUNT misses of {@code PREFIXmiss}, a function returning a prepared SIZE-byte array, each followed
   * by {@code floor}'s write of the same bytes, after 200 warm-up pairs of 64 B (function
   * {@code PREFIXmissw}); prints the medians of both and of their ratios.
   */
  static void misses(MemoStore s, String prefix, int size, int count, MissFloor floor) throws Exception {
    byte[] value = Fixture.bytes(size, 3);
    MemoFn1<Integer, byte[]> warm = memo(s, prefix + "missw", (Integer k) -> new byte[64]);
    MemoFn1<Integer, byte[]> f = memo(s, prefix + "miss", (Integer k) -> value);
    warm.resize(100_000);
    f.resize(100_000);
    misses(new Misses(warm::apply, f::apply, f::clear), size, count, floor);
  }

  /**
   * COUNT misses of {@code cache} (its value: {@code Fixture.bytes(SIZE, 3)}), each followed by
   * {@code floor}'s write of the same bytes, after 200 warm-up pairs of 64 B; prints the medians of
   * both and of their ratios.
   */
  static void misses(Misses cache, int size, int count, MissFloor floor) throws Exception {
    byte[] value = Fixture.bytes(size, 3);
    for (int i = 0; i < 200; i++) {
      cache.warm().call(i);
      floor.write(-1 - i, new byte[64]);
    }
    long[] misses = new long[count];
    long[] floors = new long[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      cache.miss().call(i);
      long t1 = System.nanoTime();
      floor.write(i, value);
      long t2 = System.nanoTime();
      misses[i] = t1 - t0;
      floors[i] = t2 - t1;
      if (size > 1 << 20 && i % 8 == 7) { // keep the disk bounded for large values (not timed)
        cache.clear().run();
        floor.reset();
      }
    }
    result("miss.median", median(misses));
    result("floor.median", median(floors));
    result("ratio.median", medianRatio(misses, floors));
  }

  static void writeAndRename(Path dir, String name, byte[] bytes) throws java.io.IOException {
    Path tmp = dir.resolve(name + ".tmp");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) ch.write(b);
    }
    Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Misses on new keys in a full block of maxsize N, each timed, and told apart by whether it evicted
   * (an OVERFLOW event during the call, from the trace's listeners: whatever the eviction policy).
   * At least max(2,000, N/16) misses, and more until {@code evicting} of them evicted (at most 2N + 2,000
   * misses). Reports the mean of all misses, and the mean, p99 and worst of those that evicted; and,
   * to tell memokit's own stalls from the JVM's, how many evicting misses a garbage collection paused,
   * the worst of the others, and the collections of the phase (count, total time).
   */
  static void evict(Path store, int n, int evicting) {
    boolean[] overflowed = {false};
    java.util.function.Consumer<Trace.Event> listener = e -> {
      if (e.kind() == Trace.Kind.OVERFLOW) overflowed[0] = true;
    };
    // Listening from the fill on: a process's first event pays once for the time zone its time needs,
    // and that is the harness's cost, not the first evicting miss's.
    Trace.addListener(listener);
    MemoFn1<Integer, Integer> f = small(store(store));
    f.resize(n);
    for (int k = 0; k < n; k++) f.apply(k);
    int atLeast = Math.max(2000, n / 16);
    int atMost = 2 * n + 2000;
    Calls calls = new Calls(atMost);
    int misses = 0;
    try {
      while (misses < atMost && (misses < atLeast || calls.marked < evicting)) {
        overflowed[0] = false;
        calls.time(f::apply, n + misses++);
        calls.mark(overflowed[0]);
      }
    } finally {
      Trace.removeListener(listener);
    }
    calls.report("evict");
    result("evict.size.after", f.info().size());
  }

  /**
   * The peer of {@link #evict}: Caffeine ({@code maximumSize(N)}, as a user builds it) filled with N
   * entries of the same keys and values, then as many loads of new keys as {@code evict} makes
   * misses (each over the limit: every one evicts), timed the same way.
   */
  static void evictPeer(int n, int count) {
    com.github.benmanes.caffeine.cache.Cache<Integer, Integer> c =
        com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(n).build();
    for (int k = 0; k < n; k++) c.get(k, x -> x * 3);
    Calls calls = new Calls(count);
    java.util.function.Function<Integer, Integer> load = x -> x * 3;
    for (int i = 0; i < count; i++) {
      calls.time(k -> c.get(k, load), n + i);
      calls.mark(true);
    }
    calls.report("evictpeer");
  }

  /**
   * Timed calls, some of them marked (those that evicted), each also told apart by whether a garbage
   * collection ran during it (the collectors' counts before and after: a pause of every thread).
   */
  private static final class Calls {
    private final java.util.List<java.lang.management.GarbageCollectorMXBean> collectors =
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
    private final long[] all;
    private final long[] markedTimes;
    private final boolean[] paused;
    private int count;
    int marked;
    private long lastTime;
    private boolean lastPaused;
    private final long gcTimeBefore = collectionMillis();
    private final long gcCountBefore = collections();

    Calls(int capacity) {
      all = new long[capacity];
      markedTimes = new long[capacity];
      paused = new boolean[capacity];
    }

    void time(java.util.function.Function<Integer, Integer> call, int key) {
      long gc = collections();
      long t0 = System.nanoTime();
      call.apply(key);
      lastTime = System.nanoTime() - t0;
      lastPaused = collections() != gc;
      all[count++] = lastTime;
    }

    void mark(boolean evicted) {
      if (!evicted) return;
      paused[marked] = lastPaused;
      markedTimes[marked++] = lastTime;
    }

    private long collections() {
      long sum = 0;
      for (var c : collectors) sum += Math.max(0, c.getCollectionCount());
      return sum;
    }

    private long collectionMillis() {
      long sum = 0;
      for (var c : collectors) sum += Math.max(0, c.getCollectionTime());
      return sum;
    }

    void report(String name) {
      result(name + ".misses", count);
      result(name + ".miss.mean", Arrays.stream(all, 0, count).average().orElse(0));
      result(name + ".evicting", marked);
      if (marked == 0) return;
      long[] sorted = Arrays.copyOf(markedTimes, marked);
      Arrays.sort(sorted);
      result(name + ".overflow.mean", Arrays.stream(sorted).average().orElse(0));
      result(name + ".overflow.p99", sorted[(int) Math.ceil(0.99 * marked) - 1]);
      result(name + ".overflow.max", sorted[marked - 1]);
      long worstUnpaused = 0;
      int pausedCalls = 0;
      int worstAt = 0;
      for (int i = 0; i < marked; i++) {
        if (markedTimes[i] > markedTimes[worstAt]) worstAt = i;
        if (paused[i]) pausedCalls++;
        else worstUnpaused = Math.max(worstUnpaused, markedTimes[i]);
      }
      result(name + ".overflow.max.at", worstAt); // which one: the first ones run cold code
      long worstLater = 0;
      for (int i = 1; i < marked; i++) if (!paused[i]) worstLater = Math.max(worstLater, markedTimes[i]);
      result(name + ".overflow.max.later.without-gc", worstLater); // a stall that recurs, not a first call's
      result(name + ".overflow.gc-paused", pausedCalls);
      result(name + ".overflow.max.without-gc", worstUnpaused);
      result(name + ".gc.count", collections() - gcCountBefore);
      result(name + ".gc.millis", collectionMillis() - gcTimeBefore);
    }
  }

  /**
   * Issue 11's small-values workload, the same as {@code benchmarks/peers/small_values.py} runs on
   * python-diskcache and joblib.Memory: a memoized {@code f(i, "abc")} returning
   * {@code List.of(i, "abc", i * 0.5)} (SIZE 0) or the same SIZE prepared bytes for every key. The list
   * stands for Python's tuple: both are an immutable sequence of boxed values of no declared type, each
   * element written with its own type tag (a record would be Python's namedtuple: a class to name).
   * After a warm-up of 10,000 misses and 10,000 hits of another function of the same shape in the same
   * store (the JIT compiles the call path), {@code both} times COUNT misses (i = 0..COUNT-1) then COUNT
   * hits of the same keys (from memory) in a fresh store; {@code hits}, in a fresh JVM on that store,
   * warms up on 10,000 first hits of the other function, then times COUNT first hits (from the store). Each call is timed: median and mean.
   * Fails if a hit computes. maxsize is raised above COUNT (the Python caches have no count limit).
   */
  static void smallValues(Path store, int size, int count, String phase) {
    byte[] payload = size > 0 ? Fixture.bytes(size, 3) : null;
    MemoStore s = store(store);
    // No call counter in the function: memokit keys the captured values a function reads at each call,
    // so a counter made every call a miss; the block's own count of misses tells hits from misses.
    // Nor the payload array: an array may change, so memokit would key its 4 KiB at each call too, where
    // the peers key (i, "abc") only. The bytes are captured as a string, which cannot change (keyed once,
    // with the function's code), and each call returns a new array of them.
    String bytes = payload == null ? null : new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1);
    MemoFn2<Integer, String, Object> f = memo(s, "small",
        (Integer i, String t) -> bytes != null ? bytes.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1) : List.of(i, t, i * 0.5));
    MemoFn2<Integer, String, Object> warm = memo(s, "smallwarm",
        (Integer i, String t) -> bytes != null ? bytes.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1) : List.of(i, t, i * 0.5));
    int warmCount = 10_000; // the JIT compiles the call path (the peers warm up as much: small_values.py)
    long before = f.info().misses();
    switch (phase) {
      case "both" -> {
        f.resize(Math.max(1024, 2 * count));
        warm.resize(Math.max(1024, 2 * warmCount));
        timed(warm, warmCount);
        timed(warm, warmCount);
        summary("miss", timed(f, count));
        long computed = f.info().misses() - before;
        if (computed != count) throw new IllegalStateException(computed + " of " + count + " misses computed");
        summary("hit", timed(f, count));
        computed = f.info().misses() - before;
        if (computed != count) throw new IllegalStateException(computed - count + " of " + count + " hits computed");
      }
      case "hits" -> {
        timed(warm, warmCount);
        summary("hit", timed(f, count));
        long computed = f.info().misses() - before;
        if (computed != 0) throw new IllegalStateException(computed + " of " + count + " first hits computed");
      }
      default -> throw new IllegalArgumentException(phase);
    }
    Object one = f.apply(1, "abc");
    if (!(payload != null ? Arrays.equals(payload, (byte[]) one) : List.of(1, "abc", 0.5).equals(one))) {
      throw new IllegalStateException("wrong value for f(1, \"abc\"): " + one);
    }
  }

  static long[] timed(MemoFn2<Integer, String, Object> f, int count) {
    long[] t = new long[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      f.apply(i, "abc");
      t[i] = System.nanoTime() - t0;
    }
    return t;
  }

  static void summary(String name, long[] t) {
    result(name + ".median", median(t));
    result(name + ".mean", Arrays.stream(t).average().orElse(0));
  }

  /**
   * Calls on random keys until {@code startAt} (epoch ms, the same for every process: warm-up, not
   * counted), then counts calls for {@code seconds}: all processes measure the same window.
   */
  static void contend(String store, String side, int threads, int seconds, int keys, long seed, long startAt,
                      boolean plainMap) throws Exception {
    FileOutputStream out = new FileOutputStream(side, true);
    java.util.function.IntUnaryOperator body = k -> {
      synchronized (out) {
        try {
          out.write((k + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return k * k;
    };
    java.util.function.IntUnaryOperator f;
    if (plainMap) {
      // Floor: a per-process in-memory memo (no store, no sharing): what the machine does with the same calls.
      java.util.concurrent.ConcurrentHashMap<Integer, Integer> cache = new java.util.concurrent.ConcurrentHashMap<>();
      f = k -> cache.computeIfAbsent(k, body::applyAsInt);
    } else {
      MemoFn1<Integer, Integer> memoized = memo(store(store), "contend", (Integer k) -> body.applyAsInt(k));
      memoized.resize(keys * 2); // room for every key: a key computed twice would then be a failure of exactly-once
      f = memoized::apply;
    }
    long until = startAt + seconds * 1000L;
    long[] calls = new long[threads];
    long[] wrong = new long[threads];
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        Random r = new Random(seed * 31 + id);
        for (long now; (now = System.currentTimeMillis()) < until; ) {
          boolean counted = now >= startAt;
          for (int i = 0; i < 1000; i++) {
            int k = r.nextInt(keys);
            if (f.applyAsInt(k) != k * k) wrong[id]++;
          }
          if (counted) calls[id] += 1000;
        }
      });
      all.add(th);
      th.start();
    }
    for (Thread th : all) th.join();
    result("calls", Arrays.stream(calls).sum());
    result("wrong", Arrays.stream(wrong).sum());
  }
}
