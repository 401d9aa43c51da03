package io.memokit.bench;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn1;
import io.memokit.MemoStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * In one process: a repeated hit (a cell this process already holds, validated against the shared
 * memory-mapped index and counted: no system call) for 64 B, 64 KiB and 16 MiB values, and floors of
 * the machine for the report: {@code readFile} (open, read, close), {@code stat}, {@code openLockClose}.
 * Miss bookkeeping is measured against write-and-rename in {@link Child} (alternated in one loop).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CoreBench {

  @Param({"64", "65536", "16777216"})
  public int size;

  Path dir;
  MemoStore store;
  MemoFn1<Integer, byte[]> hit;
  byte[] value;
  Path floorFile;
  Path lockFile;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Fixture.freshDir("core");
    store = store(dir.resolve("store"));
    value = Fixture.bytes(size, 1);
    hit = memo(store, "bench.hit", (Integer k) -> value);
    hit.apply(1);
    floorFile = dir.resolve("floor.bin");
    Files.write(floorFile, value);
    lockFile = dir.resolve("floor.lock");
    Files.createFile(lockFile);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Fixture.delete(dir);
  }

  @Benchmark
  public byte[] repeatedHit() {
    return hit.apply(1);
  }


  @Benchmark
  public byte[] readFile() throws IOException {
    return Files.readAllBytes(floorFile);
  }

  @Benchmark
  public long stat() {
    return floorFile.toFile().length();
  }

  @Benchmark
  public boolean openLockClose() throws IOException {
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock l = ch.lock(0, 1, false)) {
      return l.isValid();
    }
  }

}
