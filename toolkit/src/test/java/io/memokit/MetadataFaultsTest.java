package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the metadata a store keeps, injected while the store is in use by this process (as
 * another process, a disk error or a user's {@code rm} would): each is detected, the store keeps
 * working, no wrong value is ever returned, and what was stored is found again.
 */
class MetadataFaultsTest {

  @TempDir
  Path dir;
  Path storeDir;
  final AtomicInteger computed = new AtomicInteger();
  MemoFn1<Integer, byte[]> f;

  static byte[] valueOf(int x) {
    byte[] b = new byte[100 + x];
    for (int i = 0; i < b.length; i++) b[i] = (byte) (x * 31 + i);
    return b;
  }

  @BeforeEach
  void fill() {
    storeDir = dir.resolve("store");
    MemoStore s = store(storeDir);
    f = memo(s, "faults." + dir.getFileName(), (Integer x) -> {
      computed.incrementAndGet();
      return valueOf(x);
    });
    for (int x = 1; x <= 10; x++) f.apply(x);
    assertEquals(10, computed.get());
  }

  private Path blockDir() throws IOException {
    try (Stream<Path> blocks = Files.list(storeDir.resolve("blocks"))) {
      return blocks.findFirst().orElseThrow();
    }
  }

  /** Every value is right, and only the listed keys were computed again. */
  private void assertAllCorrect(int expectedComputations) {
    for (int x = 1; x <= 12; x++) assertArrayEquals(valueOf(x), f.apply(x), "value of " + x);
    assertEquals(expectedComputations, computed.get(), "computations");
  }

  private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(at);
      raf.write(bytes);
    }
  }

  @Test
  void corruptedIndexHeaderIsRebuiltFromTheCellFiles() throws Exception {
    overwrite(blockDir().resolve("index"), 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertAllCorrect(12); // 11 and 12 are new; 1..10 are found again
    assertEquals(12, f.info().size(), "the rebuilt index knows every cell");
  }

  @Test
  void truncatedIndexIsRebuiltWhileMapped() throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(blockDir().resolve("index").toFile(), "rw")) {
      raf.setLength(0);
    }
    assertAllCorrect(12);
    assertEquals(12, f.info().size());
  }

  @Test
  void zeroedIndexIsRebuilt() throws Exception {
    Path index = blockDir().resolve("index");
    overwrite(index, 0, new byte[(int) Files.size(index)]);
    assertAllCorrect(12);
    assertEquals(12, f.info().size());
  }

  @Test
  void flippedSlotFieldsAreDetectedAndTheCellIsFoundAgain() throws Exception {
    Path index = blockDir().resolve("index");
    // Slot 0 starts at byte 128; flip its id, key hash and size fields.
    overwrite(index, 128 + 8, new byte[] {(byte) 0xff, 0x11, 0x22});
    overwrite(index, 128 + 16 + 3, new byte[] {0x55});
    overwrite(index, 128 + 56, new byte[] {0x7f});
    // A flip inside a slot changes no generation: this process may go on answering the cell from
    // memory (with its right value). The repair happens when the cell's file is read, as any other
    // process would: drop this process's in-memory copies to read it here.
    ((OpenStore) f.store()).block(((MemoizedFn) f).id()).forgetMemory();
    assertAllCorrect(12);
    assertTrue(f.info().size() >= 12, "the damaged cell was registered again: " + f.info());
    assertTrue(f.cells().stream().allMatch(c -> c.size() > 0), "no corrupted slot is listed");
  }

  @Test
  void garbageInTheLockFileChangesNothing() throws Exception {
    Files.write(blockDir().resolve("locks"), new byte[] {9, 9, 9, 9});
    assertAllCorrect(12);
  }

  @Test
  void blockDirectoryDeletedUnderARunningProcessIsRecreated() throws Exception {
    FileUtils.deleteDirectory(blockDir().toFile());
    for (int x = 1; x <= 12; x++) assertArrayEquals(valueOf(x), f.apply(x), "value of " + x);
    int afterFirstPass = computed.get();
    assertTrue(afterFirstPass >= 12, "new keys computed");
    assertTrue(Files.isDirectory(storeDir.resolve("blocks")) && Files.list(storeDir.resolve("blocks")).count() == 1,
        "the block was recreated");
    f.apply(40);
    f.apply(40);
    assertEquals(afterFirstPass + 1, computed.get(), "the recreated block stores and hits again");
  }

  @Test
  void wholeStoreDeletedUnderARunningProcessKeepsWorking() throws Exception {
    FileUtils.deleteDirectory(storeDir.toFile());
    for (int x = 1; x <= 12; x++) assertArrayEquals(valueOf(x), f.apply(x), "value of " + x);
    int before = computed.get();
    f.apply(41);
    f.apply(41);
    assertEquals(before + 1, computed.get(), "after the store was deleted, new cells are stored and hit again");
  }
}
