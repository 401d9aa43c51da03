package io.memokit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where benchmarks put their stores and floor files: one directory on the same disk, removed after. */
final class Fixture {

  private Fixture() {}

  /** A fresh directory under {@code memokit.bench.dir} (default {@code benchmarks/target/work}). */
  static Path freshDir(String name) throws IOException {
    Path base = Path.of(System.getProperty("memokit.bench.dir", "benchmarks/target/work")).toAbsolutePath();
    Path dir = base.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    Files.createDirectories(dir);
    return dir;
  }

  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** Deterministic bytes of a given size. */
  static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }
}
