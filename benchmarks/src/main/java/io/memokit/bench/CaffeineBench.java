package io.memokit.bench;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.memokit.Memo.MemoFn2;
import io.memokit.MemoStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Caffeine, the in-process anchor, against memokit's repeated hit on the same keys and values, in one
 * JMH run: a memoized {@code f(i, "abc")} returning {@code List.of(i, "abc", i * 0.5)} (the tuple of
 * the peers' small-values workload, {@link Child#smallValues}), every key already computed, called on
 * keys drawn uniformly at random among 1k or 100k (as the growth figure's hits from memory,
 * {@link Child#growth}). memokit: {@code f.apply(i, "abc")} on a block of maxsize 2n; Caffeine:
 * {@code getIfPresent(new Args(i, "abc"))} and {@code get(new Args(i, "abc"), loader)} on a cache of
 * {@code maximumSize} 2n, a record of the arguments as key. The same precomputed draws serve all three;
 * each trial fills only the cache it measures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CaffeineBench {

  /** The arguments of {@code f}: Caffeine's key. */
  record Args(int i, String s) {}

  @Param({"1000", "100000"})
  public int keys;

  /** Precomputed random keys, walked in a cycle (a power of two). */
  static final int DRAWS = 1 << 20;
  static final Function<Args, List<Object>> LOADER = a -> value(a.i(), a.s());

  Path dir;
  MemoStore store;
  MemoFn2<Integer, String, List<Object>> f;
  Cache<Args, List<Object>> caffeine;
  int[] draws;
  int next;

  static List<Object> value(int i, String s) {
    return List.of(i, s, i * 0.5);
  }

  /** Fills only the side the trial measures, so that its heap holds one cache of the keys. */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws IOException {
    if (params.getBenchmark().endsWith(".memokitHit")) {
      dir = Fixture.freshDir("caffeine");
      store = store(dir.resolve("store"));
      // Nothing captured: memokit keys each call by the captured values a function reads, so a counter
      // of calls here would make every call a miss; the block's own counts tell hits from misses.
      f = memo(store, "bench.peers", (Integer i, String s) -> value(i, s));
      f.resize(2 * keys);
      for (int k = 0; k < keys; k++) f.apply(k, "abc");
    } else {
      caffeine = Caffeine.newBuilder().maximumSize(2L * keys).build();
      for (int k = 0; k < keys; k++) caffeine.put(new Args(k, "abc"), value(k, "abc"));
    }
    Random r = new Random(1);
    draws = new int[DRAWS];
    for (int i = 0; i < DRAWS; i++) draws[i] = r.nextInt(keys);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    long misses = f == null ? keys : f.info().misses(); // before the store's files go
    Fixture.delete(dir);
    if (misses != keys) throw new IllegalStateException((misses - keys) + " of memokit's hits computed");
    if (caffeine != null && caffeine.estimatedSize() != keys) {
      throw new IllegalStateException("Caffeine holds " + caffeine.estimatedSize() + " of " + keys + " keys");
    }
  }

  private int key() {
    int k = draws[next];
    next = (next + 1) & (DRAWS - 1);
    return k;
  }

  @Benchmark
  public List<Object> memokitHit() {
    return f.apply(key(), "abc");
  }

  @Benchmark
  public List<Object> caffeineGetIfPresent() {
    return caffeine.getIfPresent(new Args(key(), "abc"));
  }

  @Benchmark
  public List<Object> caffeineGet() {
    return caffeine.get(new Args(key(), "abc"), LOADER);
  }
}
