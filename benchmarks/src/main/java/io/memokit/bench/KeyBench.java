package io.memokit.bench;

import io.memokit.function.CellKey;
import io.memokit.function.KeyWriter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The canonical key of one {@code double[]} argument of 1 KiB, 1 MiB and 100 MiB (every call,
 * hit or miss, computes it): time per key; the report turns it into bytes per second. A
 * {@code List<Double>} of 1 MiB of doubles is measured too, as the boxed case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KeyBench {

  @Param({"1024", "1048576", "104857600"})
  public int bytes;

  double[] array;
  java.util.List<Double> list;

  @Setup(Level.Trial)
  public void setUp() {
    array = new double[bytes / 8];
    for (int i = 0; i < array.length; i++) array[i] = i * 0.25;
    int n = Math.min(array.length, 1024 * 1024 / 8);
    list = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(array[i]);
  }

  @Benchmark
  public CellKey doubleArray() {
    return KeyWriter.key(new Object[] {array});
  }

  @Benchmark
  public CellKey boxedList() {
    return KeyWriter.key(new Object[] {list});
  }
}
