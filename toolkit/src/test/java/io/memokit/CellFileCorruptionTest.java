package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.cell.Block;
import io.memokit.function.FunctionId;
import java.io.RandomAccessFile;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored value's file damaged in every way a disk, a crash or a person can: never returned as a
 * value; detected, logged, treated as a miss, recomputed, and replaced by a valid file.
 * The process's in-memory copy is dropped before each read, so the value really comes from the file.
 */
class CellFileCorruptionTest {

  @TempDir
  Path dir;
  Path storeDir;
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

  static byte[] valueOf(int x) {
    byte[] b = new byte[2000];
    Arrays.fill(b, (byte) x);
    return b;
  }

  @BeforeEach
  void fill() {
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

  private Path cellFile(int x) throws Exception {
    // The cell file is named by the key's hash: find it as the file whose content changes with x.
    try (Stream<Path> files = Files.list(storeDir.resolve("blocks").resolve(((MemoizedFn) f).id().directoryName()).resolve("cells"))) {
      for (Path p : files.toList()) {
        byte[] b = Files.readAllBytes(p);
        if (b.length > 100 && contains(b, valueOf(x))) return p;
      }
    }
    throw new AssertionError("no cell file for " + x);
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }

  /** Drops this process's in-memory copies, so the next call reads the cell's file. */
  private void forgetMemory() {
    ((OpenStore) f.store()).block(((MemoizedFn) f).id()).forgetMemory();
  }

  private void damagedThenRecomputed(Consumer<Path> damage, String what) throws Exception {
    Path file = cellFile(1);
    damage.accept(file);
    forgetMemory();
    int before = computed.get();
    assertArrayEquals(valueOf(1), f.apply(1), what + ": the right value, never the damaged one");
    assertEquals(before + 1, computed.get(), what + ": recomputed");
    assertTrue(warnings.stream().anyMatch(w -> w.contains("treated as a miss")), what + ": logged " + warnings);
    forgetMemory();
    assertArrayEquals(valueOf(1), f.apply(1), what + ": the replacement file is valid");
    assertEquals(before + 1, computed.get(), what + ": and hit");
    assertArrayEquals(valueOf(2), f.apply(2), what + ": the other cell is untouched");
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

  @Test
  void aFlippedByteInTheValue() throws Exception {
    damagedThenRecomputed(p -> write(p, 500, new byte[] {(byte) 0x5a}), "flipped value byte");
  }

  @Test
  void aFlippedByteInTheTrailer() throws Exception {
    damagedThenRecomputed(p -> write(p, sizeOf(p) - 30, new byte[] {(byte) 0x77}), "flipped trailer byte");
  }

  @Test
  void aTornFileCutInHalf() throws Exception {
    damagedThenRecomputed(p -> truncate(p, sizeOf(p) / 2), "truncated to half");
  }

  @Test
  void aFileShorterThanItsTrailer() throws Exception {
    damagedThenRecomputed(p -> truncate(p, 10), "truncated to 10 bytes");
  }

  @Test
  void anEmptyFile() throws Exception {
    damagedThenRecomputed(p -> truncate(p, 0), "emptied");
  }

  @Test
  void aZeroedFile() throws Exception {
    damagedThenRecomputed(p -> write(p, 0, new byte[(int) sizeOf(p)]), "zeroed");
  }

  @Test
  void garbageAppended() throws Exception {
    damagedThenRecomputed(p -> write(p, sizeOf(p), new byte[] {1, 2, 3, 4, 5}), "garbage appended");
  }

  @Test
  void anotherCellsFileCopiedOverIt() throws Exception {
    Path other = cellFile(2);
    Path target = cellFile(1);
    Files.copy(other, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    forgetMemory();
    int before = computed.get();
    assertArrayEquals(valueOf(1), f.apply(1), "a whole, checksummed file of another key is not this cell's value");
    assertEquals(before + 1, computed.get());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("another key") && w.contains("treated as a miss")),
        warnings.toString());
    assertEquals(2, f.info().size(), "one slot per cell after the repair: " + f.cells());
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
