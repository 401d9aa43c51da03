package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored value's record damaged in every way a disk, a crash or a person can, wherever it is
 * kept (a small value's record in the block's values log, a large value's own file): never
 * returned as a value; detected, logged, treated as a miss, recomputed, and replaced by a valid
 * record. The process's in-memory copy is dropped before each read, so the value really comes
 * from the disk. The damaged cell is the last one written (a cut log ends in its record); the
 * cell written before it must stay untouched.
 */
class CellFileCorruptionTest {

  /** Where a value of a given size is kept. */
  enum Placement {
    VALUES_LOG(2_000), OWN_FILE(40_000);

    final int valueBytes;

    Placement(int valueBytes) {
      this.valueBytes = valueBytes;
    }
  }

  /** The bytes of one cell's record: {@code length} bytes from {@code start} in {@code file}. */
  record Region(Path file, long start, long length) {
    long end() {
      return start + length;
    }
  }

  @TempDir
  Path dir;
  Path storeDir;
  Placement placement;
  final AtomicInteger computed = new AtomicInteger();
  MemoFn1<Integer, byte[]> f;
  final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  byte[] valueOf(int x) {
    byte[] b = new byte[placement.valueBytes];
    Arrays.fill(b, (byte) x);
    return b;
  }

  void fill(Placement placement) {
    this.placement = placement;
    Logger.getLogger("io.memokit").addHandler(capture);
    storeDir = dir.resolve("store");
    f = memo(store(storeDir), "corrupt.f", (Integer x) -> {
      computed.incrementAndGet();
      return valueOf(x);
    });
    f.apply(1);
    f.apply(2);
  }

  @AfterEach
  void detach() {
    Logger.getLogger("io.memokit").removeHandler(capture);
  }

  private Path blockDir() {
    return storeDir.resolve("blocks").resolve(((MemoizedFn) f).id().storedName());
  }

  /** The record of {@code x}'s cell: its own file, or its place in the values log (records follow each other there). */
  private Region record(int x) throws Exception {
    if (placement == Placement.OWN_FILE) {
      try (Stream<Path> files = Files.list(blockDir().resolve("cells"))) {
        for (Path p : files.toList()) {
          byte[] b = Files.readAllBytes(p);
          if (b.length > 100 && contains(b, valueOf(x), 0, b.length)) return new Region(p, 0, b.length);
        }
      }
      throw new AssertionError("no cell file for " + x);
    }
    try (Stream<Path> files = Files.list(blockDir())) {
      for (Path log : files.filter(p -> p.getFileName().toString().startsWith("values.")).toList()) {
        byte[] b = Files.readAllBytes(log);
        for (int at = 0; at + 8 <= b.length; ) {
          int length = ByteBuffer.wrap(b, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
          if (contains(b, valueOf(x), at + 8, at + 8 + length)) return new Region(log, at, 8 + length);
          at += 8 + length;
        }
      }
    }
    throw new AssertionError("no record in the values log for " + x);
  }

  private static boolean contains(byte[] hay, byte[] needle, int from, int to) {
    outer:
    for (int i = from; i + needle.length <= Math.min(to, hay.length); i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }

  /** Drops this process's in-memory copies, so the next call reads the cell's record. */
  private void forgetMemory() {
    ((OpenStore) f.store()).block(((MemoizedFn) f).id()).forgetMemory();
  }

  private void damagedThenRecomputed(Placement placement, Consumer<Region> damage, String what) throws Exception {
    fill(placement);
    Region region = record(2);
    damage.accept(region);
    forgetMemory();
    int before = computed.get();
    assertArrayEquals(valueOf(2), f.apply(2), what + ": the right value, never the damaged one");
    assertEquals(before + 1, computed.get(), what + ": recomputed");
    assertTrue(warnings.stream().anyMatch(w -> w.contains("treated as a miss")), what + ": logged " + warnings);
    forgetMemory();
    assertArrayEquals(valueOf(2), f.apply(2), what + ": the replacement record is valid");
    assertEquals(before + 1, computed.get(), what + ": and hit");
    assertArrayEquals(valueOf(1), f.apply(1), what + ": the other cell is untouched");
    assertEquals(before + 1, computed.get(), what + ": the other cell is a hit");
    assertEquals(2, f.info().size(), what + ": one slot per cell after the repair: " + f.cells());
  }

  private static void write(Path file, long at, byte[] bytes) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(at);
      raf.write(bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void truncate(Path file, long length) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void aFlippedByteInTheValue(Placement p) throws Exception {
    damagedThenRecomputed(p, r -> write(r.file(), r.start() + 500, new byte[] {(byte) 0x5a}), "flipped value byte");
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void aFlippedByteInTheTrailer(Placement p) throws Exception {
    damagedThenRecomputed(p, r -> write(r.file(), r.end() - 30, new byte[] {(byte) 0x77}), "flipped trailer byte");
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void aTornRecordCutInHalf(Placement p) throws Exception {
    damagedThenRecomputed(p, r -> truncate(r.file(), r.start() + r.length() / 2), "truncated to half");
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void aRecordShorterThanItsTrailer(Placement p) throws Exception {
    damagedThenRecomputed(p, r -> truncate(r.file(), r.start() + 10), "truncated to 10 bytes");
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void anEmptyRecord(Placement p) throws Exception {
    damagedThenRecomputed(p, r -> truncate(r.file(), r.start()), "emptied");
  }

  @Test
  @Tag("both-jdks") // how a fault on a mapping reaches Java code depends on the JDK
  void aLogCutShortUnderAProcessThatReadsItThroughItsMappingIsAMissNotACrash() throws Exception {
    fill(Placement.VALUES_LOG);
    forgetMemory();
    assertArrayEquals(valueOf(1), f.apply(1), "read from the log: this process now maps it");
    Region region = record(2);
    truncate(region.file(), region.start() + region.length() / 2); // its second page is gone: reading it faults
    for (int round = 0; round < 3; round++) {
      forgetMemory();
      int before = computed.get();
      assertArrayEquals(valueOf(2), f.apply(2), "round " + round + ": the right value, never the cut one");
      assertEquals(round == 0 ? before + 1 : before, computed.get(), "round " + round + ": recomputed once, then a hit");
    }
    assertTrue(warnings.stream().anyMatch(w -> w.contains("treated as a miss")), "logged " + warnings);
    forgetMemory();
    assertArrayEquals(valueOf(1), f.apply(1), "the other cell is untouched");
    assertEquals(2, f.info().size(), "one slot per cell after the repair: " + f.cells());
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void aZeroedRecord(Placement p) throws Exception {
    damagedThenRecomputed(p, r -> write(r.file(), r.start(), new byte[(int) r.length()]), "zeroed");
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void garbageInTheRecord(Placement p) throws Exception {
    // A file with bytes after its trailer; a log record whose trailer names other lengths.
    damagedThenRecomputed(p, r -> {
      if (p == Placement.OWN_FILE) write(r.file(), r.end(), new byte[] {1, 2, 3, 4, 5});
      else write(r.file(), r.end() - 84, new byte[] {1, 2, 3, 4});
    }, "garbage");
  }

  @ParameterizedTest
  @EnumSource(Placement.class)
  void anotherCellsRecordCopiedOverIt(Placement p) throws Exception {
    fill(p);
    Region other = record(1);
    Region target = record(2);
    assertEquals(other.length(), target.length(), "records of equal values and keys are equally long");
    write(target.file(), target.start(), Arrays.copyOfRange(Files.readAllBytes(other.file()), (int) other.start(),
        (int) other.end()));
    forgetMemory();
    int before = computed.get();
    assertArrayEquals(valueOf(2), f.apply(2), "a whole, checksummed record of another key is not this cell's value");
    assertEquals(before + 1, computed.get());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("another key") && w.contains("treated as a miss")),
        warnings.toString());
    assertEquals(2, f.info().size(), "one slot per cell after the repair: " + f.cells());
  }
}
