package io.memokit.storage.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.function.CellKey;
import io.memokit.storage.Backends;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreBackendContract;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the directory backend, and what only a directory can suffer. */
class DirectoryBackendTest extends StoreBackendContract {

  @TempDir
  Path dir;

  @Override
  protected StoreBackend openFresh(StoreSettings settings) {
    return Backends.open(dir.resolve("store").toString(), settings);
  }

  private Path cellFile(BlockBackend block, CellKey key) {
    return ((DirectoryBlock) block).directory().resolve("cells")
        .resolve(String.format("%016x%016x.cell", key.hashHi(), key.hashLo()));
  }

  @Override
  protected void damage(BlockBackend block, CellKey key) throws Exception {
    Path f = cellFile(block, key);
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length / 3] ^= 0x40;
    Files.write(f, bytes);
  }

  @Override
  protected void lose(BlockBackend block, CellKey key) throws Exception {
    Files.delete(cellFile(block, key));
  }

  @Test
  void aMarkerOfArbitraryBytesIsNamedAndRewritten() throws Exception {
    Path p = Files.createDirectory(dir.resolve("damaged"));
    Files.write(p.resolve("memokit.store"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 0x41});
    StoreBackend s = Backends.open(p.toString(), StoreSettings.defaults());
    assertEquals(List.of(), s.check(false), "the marker was rewritten when the store was opened");
    assertEquals(java.util.Optional.of(StoreMarker.FORMAT),
        StoreMarker.parse(StoreMarker.readText(p.resolve("memokit.store"))));
  }

  @Test
  void aStoreOnANetworkFileSystemIsRefusedNamingItsTypeAndTheSharedStore() {
    for (String type : List.of("nfs4", "cifs", "fuse.sshfs")) {
      StoreException e = assertThrows(StoreException.class, () -> Backends.open(dir.resolve(type).toString(),
          StoreSettings.defaults().withFileSystemType(path -> type)));
      assertTrue(e.getMessage().contains("network file system (" + type + ")") && e.getMessage().contains("PostgreSQL"),
          e.getMessage());
    }
    assertNotNull(Backends.open(dir.resolve("local").toString(), StoreSettings.defaults().withFileSystemType(p -> "ext4")));
  }

  @Test
  void aStoreRemovedWhileInUseKeepsWorkingAtOnce() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("a"));
    FileUtils.deleteDirectory(dir.resolve("store").toFile());
    assertEquals(0, b.status().size(), "management sees the store as it is now: empty");
    assertEquals(List.of(), b.cells());
    put(b, key(2), payload("b")); // no waiting for a periodic re-check
    assertNotNull(b.read(key(2)), "a new value is stored right away");
    assertEquals(1, b.status().size());
    assertEquals(List.of(fn("f")), store.blockIds());
  }

  @Test
  void checkReportsAndFixesIndexAndFilesThatDisagree() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("a"));
    put(b, key(2), payload("b"));
    lose(b, key(1));
    Files.write(((DirectoryBlock) b).directory().resolve("cells").resolve("00000000000000000000000000000000.cell"),
        new byte[] {1, 2, 3});
    List<String> problems = store.check(false);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("has no file") || problems.get(1).contains("has no file"), problems.toString());
    assertFalse(store.check(true).isEmpty());
    assertEquals(List.of(), store.check(false), "fixed");
    assertEquals(1, b.status().size());
    assertNotNull(b.read(key(2)));
  }

  @Test
  void aLargeBlockEvictsBySamplingInTimeThatDoesNotGrowWithIt() throws Exception {
    BlockBackend b = store.block(fn("big"));
    int max = DirectoryBlock.EXACT_LRU_MAXSIZE + 904;
    b.resize(max);
    for (int i = 0; i < max; i++) {
      put(b, key(i), payload("v"));
      now.incrementAndGet();
    }
    for (int i = 0; i < 100; i++) hit(b, key(i)); // the first hundred are now the most recently hit
    now.incrementAndGet();
    long worst = 0;
    for (int i = max; i < max + 200; i++) {
      long t0 = System.nanoTime();
      put(b, key(i), payload("v"));
      worst = Math.max(worst, System.nanoTime() - t0);
    }
    assertEquals(max, b.status().size());
    for (int i = 0; i < 100; i++) assertNotNull(b.read(key(i)), "recently hit cell " + i + " stays");
    assertTrue(worst < 50_000_000L, "the slowest evicting miss took " + worst / 1000 + " us");
  }
}
