package io.memokit.storage.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.cell.Block;
import io.memokit.cell.HitPublisher;
import io.memokit.codec.ReadPolicy;
import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.NamedFunction;
import io.memokit.storage.Backends;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreBackendContract;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import io.memokit.storage.StoredCell;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Override
  protected void damage(BlockBackend block, CellKey key) throws Exception {
    CellReads.Region r = ((DirectoryBlock) block).region(key);
    try (var raf = new java.io.RandomAccessFile(r.file().toFile(), "rw")) {
      long at = r.start() + r.length() / 3;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x40);
    }
  }

  /** Loses a record: deletes its own file, or zeroes its place in the values log (nothing left to read). */
  @Override
  protected void lose(BlockBackend block, CellKey key) throws Exception {
    CellReads.Region r = ((DirectoryBlock) block).region(key);
    if (r.file().getFileName().toString().endsWith(".cell")) {
      Files.delete(r.file());
      return;
    }
    try (var raf = new java.io.RandomAccessFile(r.file().toFile(), "rw")) {
      raf.seek(r.start());
      raf.write(new byte[(int) r.length()]);
    }
  }

  @Override
  protected String expectedWriter() {
    return System.getProperty("user.name");
  }

  @Test
  void aClaimWhoseReadMissedAStoredCellIsToldToReadItAgainNotToReplaceIt() throws Exception {
    // A read made on an index being repaired can miss a cell (a truncated mapping faults late, and
    // the read goes on with what it had). Here the claim's read misses it because its file is away
    // (moved aside, then back): the claim's start must not replace a cell its caller never saw.
    BlockBackend b = store.block(fn("f"));
    String big = "x".repeat(ValuesLog.MAX_RECORD + 1); // in a file of its own
    put(b, key(1), payload(big));
    Path file = ((DirectoryBlock) b).region(key(1)).file();
    Path aside = dir.resolve("aside");
    try (Claim claim = b.tryClaimToCompute(key(1))) {
      Files.move(file, aside);
      assertNull(claim.stored(), "its file is away");
      Files.move(aside, file);
      assertThrows(Claim.StoredMeanwhile.class, claim::start, "not replaced unseen");
      assertEquals(big, text(claim.stored().payload()), "read again, it is found");
    }
    assertEquals(big, text(b.read(key(1)).payload()), "still stored");
    // A cell that stays unreadable is replaced by the second start.
    Files.move(file, aside);
    try (Claim claim = b.tryClaimToCompute(key(1))) {
      assertNull(claim.stored());
      assertThrows(Claim.StoredMeanwhile.class, claim::start);
      assertNull(claim.stored());
      assertFalse(claim.start().takenOver());
      claim.complete(payload("replaced"), new Claim.Timing(now.get(), 1, 1), CODE);
    }
    assertEquals("replaced", text(b.read(key(1)).payload()));
    assertEquals(1, b.status().size(), "one entry for the key");
  }

  @Test
  void aCallWhoseClaimIsToldItsCellIsStoredReadsItAgainAndComputesNothing() throws Exception {
    BlockBackend real = store.block(fn("g"));
    AtomicInteger computed = new AtomicInteger();
    NamedFunction g = new NamedFunction() {
      @Override
      public FunctionId id() {
        return fn("g");
      }

      @Override
      public Object invoke(Object[] args) {
        computed.incrementAndGet();
        return "g of " + args[0];
      }
    };
    Block first = Block.of(store, real, new HitPublisher(),
        ReadPolicy::anyClass, now::get, System::nanoTime);
    assertEquals("g of 1", first.call(g, new Object[] {1}, false));
    assertEquals(1, computed.get());
    // A second process's call, whose lookup and claim's first read miss the stored cell (as reads of
    // an index being repaired can), and whose claim's start says so.
    boolean[] told = {false};
    BlockBackend missing = (BlockBackend) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {BlockBackend.class}, (proxy, method, args) -> {
          if (!method.getName().equals("readOrClaimToCompute")) return invoke(method, real, args);
          Claim claim = real.tryClaimToCompute((CellKey) args[0]);
          boolean[] readOnce = {false};
          Claim wrapped = (Claim) Proxy.newProxyInstance(getClass().getClassLoader(),
              new Class<?>[] {Claim.class}, (p, m, a) -> {
                if (m.getName().equals("stored") && !readOnce[0]) {
                  readOnce[0] = true;
                  return null;
                }
                if (m.getName().equals("start") && !told[0]) {
                  told[0] = true;
                  throw new Claim.StoredMeanwhile(1);
                }
                return invoke(m, claim, a);
              });
          return new BlockBackend.Lookup(null, wrapped);
        });
    Block second = Block.of(store, missing, new HitPublisher(),
        ReadPolicy::anyClass, now::get, System::nanoTime);
    assertEquals("g of 1", second.call(g, new Object[] {1}, false));
    assertTrue(told[0], "the claim's start said the cell is stored");
    assertEquals(1, computed.get(), "read again, not computed again");
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aCellInItsOwnFileNamesTheFilesOwnerBesideTheUserItsProcessReported() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key("small"), payload("small"));
    put(b, key("large"), payload("x".repeat(ValuesLog.MAX_RECORD + 1)));
    String owner = Files.getOwner(((DirectoryBlock) b).region(key("large")).file()).getName();
    for (var c : b.cells(true)) {
      boolean large = c.bytes() > ValuesLog.MAX_RECORD;
      assertEquals(System.getProperty("user.name"), c.provenance().user());
      assertEquals(large ? owner : "", c.provenance().fileOwner(),
          "the owner of its own file; a record of the values log has none of its own: " + c);
    }
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

  /** A store whose ticker stands still unless the test moves it: every completion is "right after" its start. */
  private StoreBackend storeWithTicker(java.util.concurrent.atomic.AtomicLong ticks) {
    store.close();
    store = openFresh(StoreSettings.defaults().withMaxsize(100).withClock(now::get).withTicker(ticks::get));
    return store;
  }

  @Test
  void aCompletionRightAfterItsStartChecksTheFilesAgainWhenTheIndexGrewMeanwhile() throws Exception {
    BlockBackend b = storeWithTicker(new java.util.concurrent.atomic.AtomicLong()).block(fn("f"));
    try (Claim first = b.tryClaimToCompute(key(0))) {
      first.start(); // its section's stat saw an index of 64 slots
      for (int i = 1; i < 64; i++) put(b, key(i), payload("v" + i));
      try (Claim grows = b.tryClaimToCompute(key(64))) {
        grows.start(); // the 65th slot: the index grows after this section's stat
        assertNotNull(first.complete(payload("v0"), new Claim.Timing(now.get(), 1, 1), CODE),
            "stored: the index's growth is not taken for damage");
        assertNotNull(grows.complete(payload("v64"), new Claim.Timing(now.get(), 1, 1), CODE));
      }
    }
    assertEquals(65, b.status().misses(), "no rebuild: the statistics are whole");
    for (int i = 0; i <= 64; i++) assertEquals("v" + i, text(b.read(key(i)).payload()), "cell " + i);
  }

  @Test
  void aBlockRemovedByHandIsNoticedByTheNextStartAndByACompletionAMillisecondAfterItsStart() throws Exception {
    var ticks = new java.util.concurrent.atomic.AtomicLong();
    BlockBackend b = storeWithTicker(ticks).block(fn("f"));
    put(b, key(1), payload("a"));
    FileUtils.deleteDirectory(((DirectoryBlock) b).directory().toFile());
    put(b, key(2), payload("b")); // at the same instant: a start always checks the files
    assertEquals(1, b.cells().size(), "stored in the recreated block, not in the removed files");
    try (Claim claim = b.tryClaimToCompute(key(3))) {
      claim.start();
      FileUtils.deleteDirectory(((DirectoryBlock) b).directory().toFile());
      ticks.addAndGet(BlockFiles.RECENT_CHECK_NANOS);
      assertNull(claim.complete(payload("c"), new Claim.Timing(now.get(), 1, 1), CODE),
          "a millisecond on, the completion checks the files: its cell went with them");
    }
    put(b, key(3), payload("c"));
    assertEquals(1, b.cells().size(), "stored again, in the block recreated once more");
    assertEquals("c", text(b.read(key(3)).payload()));
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
    assertTrue(problems.stream().anyMatch(p -> p.contains("has a damaged record")), problems.toString());
    assertFalse(store.check(true).isEmpty());
    assertEquals(List.of(), store.check(false), "fixed");
    assertEquals(1, b.status().size());
    assertNotNull(b.read(key(2)));
  }

  @Test
  void aLargeBlockEvictsBySamplingInTimeThatDoesNotGrowWithIt() throws Exception {
    BlockBackend b = store.block(fn("big"));
    int max = BlockAdmin.EXACT_LRU_MAXSIZE + 904;
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

  /** A value of about {@code bytes} bytes whose text names {@code i}. */
  private static io.memokit.storage.Payload sized(int i, int bytes) {
    return payload(i + ":" + "x".repeat(bytes));
  }

  private long logBytes(BlockBackend b) throws Exception {
    try (var files = Files.list(((DirectoryBlock) b).directory())) {
      return files.filter(f -> f.getFileName().toString().startsWith("values.")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void aHitAfterItsCellsSlotWasFreedAndTakenByAnotherCellIsNotCountedOnThatCell() throws Exception {
    // A hit's presence is validated at the generation its read found, and its queued count is
    // written to the slot only if that slot still holds the cell: here the cell is removed (as
    // another process would) and its slot taken by another cell between the read and the hit.
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("a"));
    StoredCell read = b.read(key(1));
    assertEquals(1, b.removeCells(java.util.Set.of(read.cellId())));
    put(b, key(2), payload("b"));
    assertEquals(((CellReads.Found) read).slot(), ((CellReads.Found) b.read(key(2))).slot(), "the freed slot, taken");
    assertFalse(b.hit(key(1), read).stillStored(), "a removed cell is not remembered as stored");
    CellStatus second = b.cells().stream().filter(c -> c.id() != read.cellId()).findFirst().orElseThrow();
    assertEquals(0, second.hits(), "the other cell in the slot was not hit");
    assertEquals(1, b.status().hits(), "the hit is counted once, on the block");
  }

  @Test
  void smallValuesGoToTheValuesLogAndLargeOnesToTheirOwnFiles() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), sized(1, 100));
    put(b, key(2), sized(2, ValuesLog.MAX_RECORD + 1));
    assertTrue(((DirectoryBlock) b).region(key(1)).file().getFileName().toString().startsWith("values."));
    assertTrue(((DirectoryBlock) b).region(key(2)).file().getFileName().toString().endsWith(".cell"));
    assertEquals("1:" + "x".repeat(100), text(b.read(key(1)).payload()));
    assertEquals("2:" + "x".repeat(ValuesLog.MAX_RECORD + 1), text(b.read(key(2)).payload()));
  }

  @Test
  void aLargeCellWhoseFileWasRemovedByHandReadsAsAbsentAndIsStoredAgainAsOneEntry() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), sized(1, ValuesLog.MAX_RECORD + 1));
    lose(b, key(1)); // its index still names it, in a file of its own
    assertNull(b.read(key(1)));
    put(b, key(1), sized(3, ValuesLog.MAX_RECORD + 1));
    assertEquals("3:" + "x".repeat(ValuesLog.MAX_RECORD + 1), text(b.read(key(1)).payload()));
    assertEquals(1, b.status().size());
  }

  @Test
  void theValuesLogIsCompactedAsCellsAreEvictedWhileReadersReadEveryLiveCellWhole() throws Exception {
    BlockBackend b = store.block(fn("churn"));
    int max = 100;
    int value = 2_000;
    AtomicInteger written = new AtomicInteger(-1);
    java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    Thread reader = new Thread(() -> {
      java.util.Random random = new java.util.Random(1);
      while (written.get() < 3_000 && wrong.get() == null) {
        int last = written.get();
        if (last < 0) continue;
        int i = Math.max(0, last - random.nextInt(max / 2));
        io.memokit.storage.StoredCell c = b.read(key(i));
        if (c == null) continue; // evicted meanwhile: a miss, never a wrong value
        reads.incrementAndGet();
        if (!text(c.payload()).equals(i + ":" + "x".repeat(value))) wrong.set("key " + i + " read " + text(c.payload()));
      }
    });
    reader.start();
    try {
      for (int i = 0; i < 3_000; i++) {
        put(b, key(i), sized(i, value));
        now.incrementAndGet(); // the least recently hit are the oldest
        written.set(i);
      }
    } finally {
      written.set(Integer.MAX_VALUE);
      reader.join();
    }
    assertEquals(null, wrong.get());
    assertTrue(reads.get() > 0, "the reader read cells while the log was compacted");
    LogCompactor.awaitIdle(30_000);
    assertEquals(max, b.status().size());
    long live = max * (long) ((DirectoryBlock) b).region(key(2_999)).length();
    long onDisk = logBytes(b);
    // 3,000 records of 2 KiB were written (6 MB); compaction keeps the log within live + dead allowance.
    assertTrue(onDisk <= 2 * live + ValuesLog.COMPACT_MIN_DEAD + ValuesLog.MAX_RECORD,
        "the log holds " + onDisk + " bytes for " + live + " live");
    for (int i = 3_000 - max / 2; i < 3_000; i++) assertEquals(i + ":" + "x".repeat(value), text(b.read(key(i)).payload()));
    List<String> held = Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.contains(((DirectoryBlock) b).directory().toString()) && l.contains("(deleted)")).toList();
    assertEquals(List.of(), held, "no compacted generation of the log stays mapped, holding its disk space");
  }

  @Test
  void aRebuiltIndexFindsTheLoggedCellsAgainWithTheirMaxsize() throws Exception {
    BlockBackend b = store.block(fn("f"));
    b.resize(40);
    for (int i = 0; i < 30; i++) put(b, key(i), sized(i, 50));
    Path index = ((DirectoryBlock) b).directory().resolve("index");
    try (var raf = new java.io.RandomAccessFile(index.toFile(), "rw")) {
      raf.seek(128 + 96 * 3 + 8); // slot 3's id: a damaged slot no longer says where its record is
      raf.write(new byte[] {1, 2, 3});
    }
    for (int i = 0; i < 30; i++) assertEquals(i + ":" + "x".repeat(50), text(b.read(key(i)).payload()), "cell " + i);
    assertEquals(30, b.status().size());
    assertEquals(40, b.maxsize(), "a rebuilt index keeps the block's maxsize");
  }

  @Test
  void aRebuildFindsTheRecordsAfterADamagedStretchOfTheLog() throws Exception {
    BlockBackend b = store.block(fn("f"));
    b.resize(100);
    for (int i = 0; i < 60; i++) put(b, key(i), sized(i, 50));
    Path dir = ((DirectoryBlock) b).directory();
    Path log;
    try (var files = java.nio.file.Files.list(dir)) {
      log = files.filter(f -> f.getFileName().toString().startsWith("values.")).findFirst().orElseThrow();
    }
    long size = java.nio.file.Files.size(log);
    try (var raf = new java.io.RandomAccessFile(log.toFile(), "rw")) {
      raf.seek(size / 3); // a stretch of a third of the way in: a few records damaged, the scan must find the next
      byte[] junk = new byte[300];
      new Random(7).nextBytes(junk);
      raf.write(junk);
    }
    try (var raf = new java.io.RandomAccessFile(dir.resolve("index").toFile(), "rw")) {
      raf.seek(128 + 96 * 3 + 8); // and a damaged slot: the block's index is rebuilt from the log
      raf.write(new byte[] {1, 2, 3});
    }
    int found = 0;
    for (int i = 0; i < 60; i++) {
      StoredCell c = b.read(key(i));
      if (c != null) {
        assertEquals(i + ":" + "x".repeat(50), text(c.payload()), "cell " + i + " is whole or absent, never wrong");
        found++;
      } else {
        assertTrue(i >= 15 && i < 30, "cell " + i + " is far from the damage, and lost");
      }
    }
    assertTrue(found >= 54, found + " of 60 cells found after the rebuild: the damage covers 300 bytes");
    for (int i = 40; i < 60; i++) assertNotNull(b.read(key(i)), "cell " + i + ", after the damage, is found again");
  }

  @Test
  void aSlotLeftHalfWrittenByAKilledProcessIsRepairedAndItsPublishedFileIndexedAgain() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), sized(1, ValuesLog.MAX_RECORD + 10)); // its own file
    put(b, key(2), sized(2, 100)); // a record of the log
    Path index = ((DirectoryBlock) b).directory().resolve("index");
    try (var raf = new java.io.RandomAccessFile(index.toFile(), "rw")) {
      // A process killed while it rewrote slot 0 (finishing it): the slot reads free, nothing else changed.
      raf.seek(128);
      raf.write(new byte[8]);
    }
    assertTrue(store.check(false).stream().anyMatch(p -> p.contains("half-written")), store.check(false).toString());
    assertEquals("1:" + "x".repeat(ValuesLog.MAX_RECORD + 10), text(b.read(key(1)).payload()), "the published file is found again");
    assertEquals("2:" + "x".repeat(100), text(b.read(key(2)).payload()));
    assertEquals(2, b.status().size());
  }
}
