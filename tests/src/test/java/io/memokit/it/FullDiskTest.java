package io.memokit.it;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.it.workers.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a small filesystem (a tmpfs of 4 MiB mounted by the test: it needs root, as CI has)
 * that runs out of space: every call still returns the computed value, the error is logged, the
 * store stays consistent (index and files agree, no temporary file left), and once space is back
 * (the tmpfs is enlarged) new cells are stored and hit again.
 */
@Tag("quick")
class FullDiskTest {

  @TempDir
  Path tmp;
  Path mount;
  final List<String> warnings = new ArrayList<>();
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

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + " failed (this test "
        + "mounts a tmpfs, so it needs root, as CI runs): " + out);
  }

  @AfterEach
  void unmount() throws Exception {
    Logger.getLogger("io.memokit").removeHandler(capture);
    if (mount != null) run("umount", "--lazy", mount.toString()); // lazy: this JVM still maps the store's files
  }

  @Test
  void aFullDiskLosesNoResultAndTheStoreRecovers() throws Exception {
    mount = Files.createDirectory(tmp.resolve("disk"));
    run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString());
    Logger.getLogger("io.memokit").addHandler(capture);
    Path storeDir = mount.resolve("store");
    AtomicInteger computed = new AtomicInteger();
    MemoFn1<Integer, byte[]> f = memo(store(storeDir), "disk.f", (Integer k) -> {
      computed.incrementAndGet();
      return Values.of(k, 512);
    });

    for (int k = 0; k < 40; k++) assertArrayEquals(Values.of(k, 512), f.apply(k), "value of " + k + " on a full disk");
    assertTrue(warnings.stream().anyMatch(w -> w.contains("No space left on device")),
        "the full disk is logged: " + warnings);
    int stored = f.info().size();
    assertTrue(stored > 3 && stored < 40, "some cells fit, not all: " + stored);
    assertConsistent(storeDir, f);
    for (int k = 0; k < 40; k++) assertArrayEquals(Values.of(k, 512), f.apply(k), "value of " + k + " again");

    // Phase 2: the disk is so full that the index itself cannot grow (64 slots at first).
    fill(mount);
    for (int k = 1000; k < 1100; k++) assertArrayEquals(Values.of(k, 512), f.apply(k), "value of " + k + " when even the index cannot grow");
    assertConsistent(storeDir, f);

    // Space comes back: the store stores and hits again.
    Files.deleteIfExists(mount.resolve("filler"));
    run("mount", "-o", "remount,size=64m", mount.toString());
    int before = computed.get();
    for (int k = 2000; k < 2010; k++) f.apply(k);
    for (int k = 2000; k < 2010; k++) assertArrayEquals(Values.of(k, 512), f.apply(k));
    assertEquals(before + 10, computed.get(), "after space came back, new cells are stored and hit");
    assertConsistent(storeDir, f);
    System.out.printf("FullDiskTest: %d of 40 large cells fit in 4 MiB; %d warnings logged; recovered after remount%n",
        stored, warnings.size());
  }

  private static void fill(Path mount) throws IOException {
    byte[] block = new byte[4096];
    try (var out = Files.newOutputStream(mount.resolve("filler"))) {
      for (;;) out.write(block);
    } catch (IOException full) {
      // the disk is full now
    }
  }

  /** The index and the records (cell files and values log) agree, and no temporary file was left behind. */
  private static void assertConsistent(Path storeDir, MemoFn1<Integer, byte[]> f) throws IOException {
    assertEquals(List.of(), f.store().check(false), "index and records agree: " + f.info());
    try (Stream<Path> temps = Files.list(storeDir.resolve("tmp"))) {
      assertEquals(List.of(), temps.toList(), "no temporary file left");
    }
  }
}
