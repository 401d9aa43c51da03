package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.OpenWorker;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store-level files, damaged between runs and read by a fresh process: the cell counter
 * (numbering resumes above the highest cell in use, so no two cells share a number), the marker
 * (rewritten), and temporary files left by killed processes (removed when a process opens the store).
 */
@Tag("quick")
class StoreFilesFaultsTest {

  private static final Pattern EVENT = Pattern.compile(".*> (MISS|HIT)\\((\\d+)\\)$");

  private static int cell(Jvm j, String kind) throws Exception {
    assertEquals(0, j.exit(Duration.ofSeconds(60)), j.describe());
    for (String l : j.lines()) {
      Matcher m = EVENT.matcher(l);
      if (m.matches() && m.group(1).equals(kind)) return Integer.parseInt(m.group(2));
    }
    throw new AssertionError("no " + kind + "\n" + j.describe());
  }

  @Test
  void aCorruptedCounterResumesAboveTheHighestCellAndAMarkerIsRewritten(@TempDir Path tmp) throws Exception {
    Path store = tmp.resolve("store");
    try (Jvm first = Jvm.start(OpenWorker.class, store)) {
      assertEquals(1, cell(first, "MISS"));
    }
    try (RandomAccessFile raf = new RandomAccessFile(store.resolve("counters").toFile(), "rw")) {
      raf.write(new byte[] {0x13, 0x37, 0x13, 0x37, 0x13, 0x37, 0x13, 0x37});
    }
    Files.writeString(store.resolve("memokit.store"), "not a marker any more");
    try (Jvm second = Jvm.start(List.of(), OneMoreCell.class, store)) {
      assertEquals(0, second.exit(Duration.ofSeconds(60)), second.describe());
      String err = String.join("\n", second.errors());
      assertTrue(err.contains("counters is corrupted") && err.contains("marker"), err);
      assertTrue(second.lines().contains("NEW CELL 2"), "numbering resumed after cell 1\n" + second.describe());
    }
    assertTrue(Files.readString(store.resolve("memokit.store")).contains("format=1"), "marker rewritten");
  }

  @Test
  void temporaryFilesOfDeadProcessesAreRemovedWhenTheStoreIsOpened(@TempDir Path tmp) throws Exception {
    Path store = tmp.resolve("store");
    try (Jvm first = Jvm.start(OpenWorker.class, store)) {
      first.exit(Duration.ofSeconds(60));
    }
    long deadPid = 4_000_000; // above Linux's pid_max: no process has it
    Path stale = Files.writeString(store.resolve("tmp").resolve(deadPid + "-7.tmp"), "half a value");
    Path staleBlock = Files.createDirectories(store.resolve("tmp").resolve(deadPid + "-8-block"));
    try (Jvm again = Jvm.start(OpenWorker.class, store)) {
      assertEquals(1, cell(again, "HIT"));
    }
    assertFalse(Files.exists(stale), "stale temporary file removed");
    assertFalse(Files.exists(staleBlock), "stale half-built block removed");
  }

  @Test
  void processesCreatingOneNewStoreAtOnceAllOpenIt(@TempDir Path tmp) throws Exception {
    // Found by the benchmark's contention harness: a process that saw no marker, then listed the
    // directory after another had renamed its marker into place, refused the store as foreign.
    for (int round = 0; round < 3; round++) {
      Path store = tmp.resolve("new-" + round);
      List<Jvm> jvms = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) jvms.add(Jvm.start(OpenWorker.class, store));
        for (Jvm j : jvms) {
          assertEquals(0, j.exit(Duration.ofSeconds(60)), j.describe());
          assertTrue(j.lines().contains("RESULT 42"), "round " + round + ": every process opens the store\n" + j.describe());
        }
      } finally {
        for (Jvm j : jvms) j.close();
      }
    }
  }

  /** Opens the store and creates a new cell, printing its number. Args: STORE */
  public static final class OneMoreCell {
    public static void main(String[] args) {
      io.memokit.cell.Trace.addListener(e -> {
        if (e.kind() == io.memokit.cell.Trace.Kind.MISS) System.out.println("NEW CELL " + e.n());
      });
      io.memokit.Memo.memo(io.memokit.Memo.store(Path.of(args[0])), "open.f", (Integer k) -> k * 2).apply(22);
    }
  }
}
