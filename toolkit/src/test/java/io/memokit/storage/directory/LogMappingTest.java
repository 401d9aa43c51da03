package io.memokit.storage.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The values log's mapping: it returns a file's bytes or nothing, maps no more than it must, and
 * unmaps what it drops, on every JDK (it unmaps through {@code sun.misc.Unsafe}).
 */
@Tag("both-jdks")
class LogMappingTest {

  @TempDir
  Path dir;

  private Path file(int generation) {
    return dir.resolve("values." + generation);
  }

  private LogMapping mapping() {
    return new LogMapping(this::file);
  }

  private byte[] write(int generation, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Files.write(file(generation), bytes);
    return bytes;
  }

  private void append(int generation, int size) throws IOException {
    Files.write(file(generation), new byte[size], StandardOpenOption.APPEND);
  }

  /** The lines of this process's memory map naming a file of the test's directory. */
  private List<String> mapped() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(dir.toString())).toList();
  }

  @Test
  void aCopyIsTheFilesBytesAtTheOffset() throws IOException {
    byte[] bytes = write(1, 300_000, 1);
    LogMapping m = mapping();
    Random random = new Random(2);
    for (int i = 0; i < 1_000; i++) {
      int length = 1 + random.nextInt(5_000);
      int at = random.nextInt(bytes.length - length);
      assertArrayEquals(Arrays.copyOfRange(bytes, at, at + length), m.copy(1, at, length), "at " + at);
    }
    assertArrayEquals(new long[] {1, 300_000}, m.window());
    assertNull(m.copy(1, 299_999, 2), "past the file's end: not from the mapping");
    assertEquals(300_000, Files.size(file(1)), "asking past the end never extends the file");
  }

  @Test
  void recordsAppendedAfterTheMappingAreLeftToPositionalReadsUntilTheLogHasGrownEnough() throws IOException {
    write(1, 400_000, 1);
    LogMapping m = mapping();
    assertNotNull(m.copy(1, 0, 100));
    append(1, 50_000);
    assertNull(m.copy(1, 420_000, 100), "a quarter of the window has not been appended yet");
    assertArrayEquals(new long[] {1, 400_000}, m.window());
    append(1, 60_000);
    assertNotNull(m.copy(1, 500_000, 100));
    assertArrayEquals(new long[] {1, 510_000}, m.window(), "mapped again, at the file's size");
  }

  @Test
  void anOlderGenerationIsNotMappedAndANewerOneReplacesTheWindowAndUnmapsIt() throws IOException {
    assertTrue(LogMapping.unmapsAtOnce(), "sun.misc.Unsafe.invokeCleaner is available on the JDKs memokit runs on");
    write(1, 10_000, 1);
    byte[] second = write(2, 10_000, 2);
    LogMapping m = mapping();
    assertNotNull(m.copy(2, 0, 100));
    assertNull(m.copy(1, 0, 100), "an older generation is read with pread");
    assertArrayEquals(new long[] {2, 10_000}, m.window());
    write(3, 10_000, 3);
    Files.delete(file(2)); // compacted away by another process
    assertArrayEquals(Arrays.copyOfRange(second, 50, 150), m.copy(2, 50, 100), "the window still reads a deleted file whole");
    assertNotNull(m.copy(3, 0, 100));
    assertTrue(mapped().stream().noneMatch(l -> l.contains("values.2")), "values.2 is unmapped: " + mapped());
    m.dropAllBut(3);
    assertEquals(1, mapped().size(), "the window of the kept generation stays: " + mapped());
    m.drop();
    assertEquals(List.of(), mapped());
    assertArrayEquals(new long[] {-1, 0}, m.window());
  }

  @Test
  void readersCopyingWhileWindowsAreReplacedAndDroppedGetTheBytesOrNothing() throws Exception {
    int size = 2 << 20;
    byte[] bytes = write(1, size, 1);
    LogMapping m = mapping();
    AtomicReference<String> wrong = new AtomicReference<>();
    AtomicLong copies = new AtomicLong();
    long until = System.nanoTime() + 1_500_000_000L;
    Thread[] readers = new Thread[3];
    for (int t = 0; t < readers.length; t++) {
      long seed = t;
      readers[t] = new Thread(() -> {
        Random random = new Random(seed);
        while (System.nanoTime() < until && wrong.get() == null) {
          int length = 1 + random.nextInt(16_000);
          int at = random.nextInt(size - length);
          byte[] got = m.copy(1, at, length);
          if (got == null) continue;
          copies.incrementAndGet();
          if (!Arrays.equals(got, 0, length, bytes, at, at + length)) wrong.set("bytes at " + at + " differ");
        }
      });
      readers[t].start();
    }
    int drops = 0;
    while (System.nanoTime() < until) {
      m.drop(); // each window dropped while readers copy from it: unmapped only once they are out
      drops++;
      Thread.onSpinWait();
    }
    for (Thread t : readers) t.join();
    assertNull(wrong.get());
    assertTrue(copies.get() > 1_000 && drops > 1_000, copies + " copies, " + drops + " drops");
    m.drop();
    assertEquals(List.of(), mapped(), "every window was unmapped");
  }
}
