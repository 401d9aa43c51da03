package io.memokit.storage.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key directory against a plain map, through thousands of random allocations and frees (every
 * live key checked along the way, across the directory's growths), and after a lost change.
 */
class KeyIndexTest {

  @TempDir
  Path dir;

  @Test
  void everyKeyIsFoundAtItsSlotAndNoFreedKeyIsFound() throws Exception {
    Path index = Files.createFile(dir.resolve("index"));
    SlotTable.create(index, 1_000_000, 64);
    try (SlotTable table = SlotTable.open(index); KeyIndex keys = KeyIndex.open(dir.resolve("keys"))) {
      table.attach(keys);
      keys.syncWith(table);
      Random random = new Random(42);
      Map<Long, Long> slotOf = new HashMap<>();
      List<Long> live = new ArrayList<>();
      for (int op = 0; op < 20_000; op++) {
        if (live.isEmpty() || random.nextInt(3) > 0) {
          // Few distinct high words: many keys share a home, so runs and backward shifts are exercised.
          long hi = ((long) random.nextInt(64) << 32) | random.nextInt();
          if (slotOf.containsKey(hi)) continue;
          long slot = table.allocate(op + 1, hi, ~hi, 0, 0);
          slotOf.put(hi, slot);
          live.add(hi);
        } else {
          long hi = live.remove(random.nextInt(live.size()));
          table.free(slotOf.remove(hi));
          assertEquals(-1, table.find(hi, ~hi), "a freed key is not found");
        }
        if (op % 397 == 0) assertEveryKeyAtItsSlot(table, slotOf, "after op " + op); // the directory grows many times on the way
      }
      assertEveryKeyAtItsSlot(table, slotOf, "after every change");
      assertEquals(-1, table.find(12345, 6789));
      // A change the directory missed (a process killed between the index and the directory): rebuilt.
      table.attach(null);
      long lost = 0x7777_0000_1234L;
      long slot = table.allocate(99_999, lost, ~lost, 0, 0);
      table.attach(keys);
      keys.syncWith(table);
      assertEquals(slot, table.find(lost, ~lost));
      assertEveryKeyAtItsSlot(table, slotOf, "after the rebuild");
    }
  }

  /** Every key of {@code slotOf} (its high word; its low word is its complement) is found at its slot. */
  private static void assertEveryKeyAtItsSlot(SlotTable table, Map<Long, Long> slotOf, String when) throws Exception {
    for (Map.Entry<Long, Long> e : slotOf.entrySet()) {
      assertEquals((long) e.getValue(), table.find(e.getKey(), ~e.getKey()), "key " + Long.toHexString(e.getKey()) + ", " + when);
    }
  }
}
