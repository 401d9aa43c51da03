package io.memokit.bench;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn1;
import io.memokit.Memo.MemoFn4;
import io.memokit.MemoStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What reading top-level variables costs a repeated hit: functions reading 0, 1 and 3 small
 * variables (static fields of their class, as a JShell session's variables are static fields of
 * its snippets), each keyed at every call; and, as the peer, the same three values passed as
 * arguments instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadsBench {

  static int scale = 3;
  static String label = "abc";
  static double offset = 2.5;

  Path dir;
  MemoStore store;
  MemoFn1<Integer, Integer> reads0;
  MemoFn1<Integer, Integer> reads1;
  MemoFn1<Integer, Integer> reads3;
  MemoFn4<Integer, Integer, String, Double, Integer> passed3;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Fixture.freshDir("reads");
    store = store(dir.resolve("store"));
    reads0 = memo(store, "bench.reads0", (Integer x) -> x + 1);
    reads1 = memo(store, "bench.reads1", (Integer x) -> x * scale);
    reads3 = memo(store, "bench.reads3", (Integer x) -> x * scale + label.length() + (int) offset);
    passed3 = memo(store, "bench.passed3", (Integer x, Integer s, String l, Double o) -> x * s + l.length() + (int) (double) o);
    reads0.apply(1);
    reads1.apply(1);
    reads3.apply(1);
    passed3.apply(1, scale, label, offset);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Fixture.delete(dir);
  }

  @Benchmark
  public Integer hitReading0() {
    return reads0.apply(1);
  }

  @Benchmark
  public Integer hitReading1() {
    return reads1.apply(1);
  }

  @Benchmark
  public Integer hitReading3() {
    return reads3.apply(1);
  }

  @Benchmark
  public Integer hitPassing3() {
    return passed3.apply(1, scale, label, offset);
  }
}
