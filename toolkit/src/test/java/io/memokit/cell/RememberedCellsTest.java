package io.memokit.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.function.CellKey;
import io.memokit.function.KeyWriter;
import io.memokit.storage.Claim;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The table of remembered cells: found by an equal key or probe, replaced and removed by identity,
 * through growth and removals; and lookups that run while it changes find only cells of their key.
 */
class RememberedCellsTest {

  /** Arguments whose key is inline (16 bytes or fewer) for small {@code i}, hashed for long strings. */
  private static Object[] args(int i, boolean longKey) {
    return longKey ? new Object[] {i, "a key long enough not to be held inline " + i} : new Object[] {i, "abc"};
  }

  private static CellMemory.Remembered cell(Object[] args, long id) {
    CellKey key = KeyWriter.key(args);
    return new CellMemory.Remembered(key, new CellMemoryTest.FakePresence(id), false, id, false, false, 0, (byte) 0,
        new Claim.Timing(0, 0, 0));
  }

  private static CellMemory.Remembered lookUp(RememberedCells table, Object[] args) {
    try (KeyWriter.Probe probe = KeyWriter.probe(args)) {
      return table.get(probe);
    }
  }

  @Test
  void aCellIsFoundByItsKeyOrAProbeAndReplacedOrRemovedByIdentity() {
    RememberedCells table = new RememberedCells();
    for (boolean longKey : new boolean[] {false, true}) {
      Object[] args = args(7, longKey);
      CellMemory.Remembered first = cell(args, 1);
      assertNull(table.put(first));
      assertSame(first, lookUp(table, args));
      assertSame(first, table.get(KeyWriter.key(args)));
      assertNull(lookUp(table, args(8, longKey)));

      CellMemory.Remembered second = cell(args, 2);
      assertSame(first, table.put(second), "the cell of the same key is replaced, and returned");
      assertSame(second, lookUp(table, args));
      assertFalse(table.remove(first), "a replaced cell cannot remove its successor");
      assertSame(second, lookUp(table, args));
      assertTrue(table.remove(second));
      assertNull(lookUp(table, args));
      assertFalse(table.remove(second));
    }
    assertEquals(0, table.size());
  }

  @Test
  void keysOfEqualHashCodesFindEachTheirOwnCell() {
    // Two keys whose hash codes are equal (found by trying: a 32-bit code repeats within some 10^5 keys).
    java.util.Map<Integer, Integer> seen = new java.util.HashMap<>();
    int a = -1;
    int b = -1;
    for (int i = 0; i < 1_000_000 && a < 0; i++) {
      Integer before = seen.putIfAbsent(KeyWriter.key(args(i, false)).hashCode(), i);
      if (before != null) {
        a = before;
        b = i;
      }
    }
    assertTrue(a >= 0, "no two keys of equal hash codes");
    RememberedCells table = new RememberedCells();
    CellMemory.Remembered ca = cell(args(a, false), a);
    CellMemory.Remembered cb = cell(args(b, false), b);
    assertNull(table.put(ca));
    assertNull(table.put(cb), "a key of the same hash code is another key");
    assertSame(ca, lookUp(table, args(a, false)));
    assertSame(cb, lookUp(table, args(b, false)));
    assertTrue(table.remove(ca));
    assertNull(lookUp(table, args(a, false)));
    assertSame(cb, lookUp(table, args(b, false)), "found past the removed cell of the same hash code");
  }

  @Test
  void cellsStayFoundThroughGrowthRemovalsAndReuseOfRemovedSlots() {
    RememberedCells table = new RememberedCells();
    int n = 20_000;
    List<CellMemory.Remembered> cells = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CellMemory.Remembered c = cell(args(i, i % 3 == 0), i);
      cells.add(c);
      assertNull(table.put(c));
    }
    assertEquals(n, table.size());
    for (int i = 0; i < n; i += 2) assertTrue(table.remove(cells.get(i)));
    assertEquals(n / 2, table.size());
    for (int i = 0; i < n; i++) {
      assertSame(i % 2 == 0 ? null : cells.get(i), lookUp(table, args(i, i % 3 == 0)), "cell " + i);
    }
    // Insertions into a table with many removed slots: they reuse them, or a rebuild sweeps them.
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < n; i += 2) {
        CellMemory.Remembered c = cell(args(i, i % 3 == 0), i + round);
        assertNull(table.put(c));
        cells.set(i, c);
      }
      for (int i = 0; i < n; i += 2) assertTrue(table.remove(cells.get(i)));
    }
    assertEquals(n / 2, table.size());
    for (int i = 1; i < n; i += 2) assertSame(cells.get(i), lookUp(table, args(i, i % 3 == 0)), "cell " + i);

    List<CellMemory.Remembered> removed = new ArrayList<>();
    table.removeSome(1000, removed::add);
    assertEquals(1000, removed.size());
    assertEquals(1000, new HashSet<>(removed).size());
    assertEquals(n / 2 - 1000, table.size());
    for (CellMemory.Remembered c : removed) assertFalse(table.remove(c), "removed once");
    Set<CellMemory.Remembered> gone = new HashSet<>(removed);
    for (int i = 1; i < n; i += 2) {
      CellMemory.Remembered c = cells.get(i);
      assertSame(gone.contains(c) ? null : c, lookUp(table, args(i, i % 3 == 0)), "cell " + i);
    }
    table.clear();
    assertEquals(0, table.size());
    assertNull(lookUp(table, args(1, false)));
  }

  @Test
  void lookupsWhileTheTableChangesFindOnlyCellsOfTheirKey() throws Exception {
    RememberedCells table = new RememberedCells();
    int keys = 3000;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong found = new AtomicLong();
    // Each cell's presence id is its key's number: a lookup of key k finding a cell of id j != k is a wrong answer.
    Thread writer = new Thread(() -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      CellMemory.Remembered[] current = new CellMemory.Remembered[keys];
      try {
        while (!stop.get()) {
          int k = r.nextInt(keys);
          switch (r.nextInt(4)) {
            case 0, 1 -> {
              CellMemory.Remembered c = cell(args(k, k % 2 == 0), k);
              CellMemory.Remembered before = table.put(c);
              if (before != current[k]) throw new AssertionError("put of " + k + " replaced " + before);
              current[k] = c;
            }
            case 2 -> {
              if (current[k] != null && !table.remove(current[k])) throw new AssertionError("remove of " + k);
              current[k] = null;
            }
            default -> {
              if (r.nextInt(1000) == 0) {
                table.removeSome(keys / 4, c -> current[(int) c.cellId()] = null);
              }
            }
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    });
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      readers.add(new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        try {
          while (!stop.get()) {
            int k = r.nextInt(keys);
            CellMemory.Remembered c = lookUp(table, args(k, k % 2 == 0));
            if (c != null) {
              if (c.cellId() != k) throw new AssertionError("a lookup of key " + k + " found the cell of " + c.cellId());
              found.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    writer.start();
    readers.forEach(Thread::start);
    Thread.sleep(1500);
    stop.set(true);
    writer.join(10_000);
    for (Thread t : readers) t.join(10_000);
    assertFalse(writer.isAlive() || readers.stream().anyMatch(Thread::isAlive), "a lookup or change did not end");
    if (failure.get() != null) throw new AssertionError(failure.get());
    assertTrue(found.get() > 1000, "lookups found cells: " + found.get());
  }
}
