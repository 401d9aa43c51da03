package io.memokit.bench;

import io.memokit.function.KeyWriter;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HitPathBench {
  int[] draws;
  int next;
  Integer[] boxed = new Integer[1000];

  @Setup
  public void setUp() {
    Random r = new Random(1);
    draws = new int[1 << 16];
    for (int i = 0; i < draws.length; i++) draws[i] = r.nextInt(1000);
    for (int i = 0; i < 1000; i++) boxed[i] = i;
  }

  @Benchmark
  public long probe() {
    int i = draws[next++ & (draws.length - 1)];
    KeyWriter.Probe p = KeyWriter.probe(null, new Object[] {boxed[i], "abc"});
    return p.hashHi();
  }

  @Benchmark
  public int floorHash() {
    int i = draws[next++ & (draws.length - 1)];
    return java.util.Objects.hash(boxed[i], "abc");
  }
}
