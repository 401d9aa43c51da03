package io.memokit.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.storage.CellHolder;
import io.memokit.storage.WaitBoard.CellRef;
import io.memokit.storage.WaitBoard.Entry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cycles of waits across processes, from board entries and the cells' slots (no files here). */
class WaitCycleTest {

  private static final CellRef X = new CellRef("x(1)", 1, 1, 7);
  private static final CellRef Y = new CellRef("y(1)", 2, 2, 8);
  private static final CellRef Z = new CellRef("z(1)", 3, 3, 9);

  private final Map<CellRef, CellHolder> slots = new HashMap<>();

  private static Entry waiting(long pid, long since, CellRef waitsFor, CellRef... holds) {
    return new Entry(pid, 42, "host-a", 1, 1, "main", since, waitsFor, List.of(holds));
  }

  private void computedBy(CellRef cell, Entry e) {
    slots.put(cell, new CellHolder(cell.cellId(), e.pid(), e.hostHash(), e.host(), 0));
  }

  private List<Entry> find(Entry mine, Entry... board) {
    return WaitCycle.find(mine, List.of(board), c -> slots.entrySet().stream().filter(s -> s.getKey().sameCell(c))
        .map(Map.Entry::getValue).findFirst().orElse(null));
  }

  @Test
  void twoProcessesWaitingForEachOthersCellsAreACycle() {
    Entry a = waiting(100, 1_000, Y, X);
    Entry b = waiting(200, 2_000, X, Y);
    computedBy(X, a);
    computedBy(Y, b);
    List<Entry> fromA = find(a, a, b);
    assertEquals(List.of(a, b), fromA);
    List<Entry> fromB = find(b, a, b);
    assertEquals(List.of(b, a), fromB);
    assertSame(b, WaitCycle.giver(fromA), "the newest wait gives up, seen from either side");
    assertSame(b, WaitCycle.giver(fromB));
    assertTrue(WaitCycle.same(fromA, find(a, b, a)));
    String m = WaitCycle.message(fromB);
    assertEquals("waiting for cell 7 of x(1) would deadlock: it is computed by proc 100 on host-a, which waits for "
        + "cell 8 of y(1), computed by this process (proc 200 on host-a). This wait, the newest of the 2 in the "
        + "cycle, is given up so that the others proceed", m);
  }

  @Test
  void aLinkTheSlotsDoNotConfirmIsNoCycle() {
    Entry a = waiting(100, 1_000, Y, X);
    Entry b = waiting(200, 2_000, X, Y);
    computedBy(X, a);
    computedBy(Y, waiting(300, 0, Z)); // the lock's truth: another process computes Y now
    assertNull(find(a, a, b));
    slots.remove(Y); // nobody computes Y any more
    assertNull(find(a, a, b));
  }

  @Test
  void aChainWhoseLastProcessIsNotWaitingIsNoCycle() {
    Entry a = waiting(100, 1_000, Y, X);
    Entry b = waiting(200, 2_000, Z, Y); // waits for Z, which nobody on the board holds up: it progresses
    computedBy(X, a);
    computedBy(Y, b);
    assertNull(find(a, a, b));
  }

  @Test
  void threeProcessesInACycle() {
    Entry a = waiting(100, 3_000, Y, X);
    Entry b = waiting(200, 2_000, Z, Y);
    Entry c = waiting(300, 1_000, X, Z);
    computedBy(X, a);
    computedBy(Y, b);
    computedBy(Z, c);
    List<Entry> cycle = find(c, a, b, c);
    assertEquals(List.of(c, a, b), cycle);
    assertSame(a, WaitCycle.giver(cycle));
    assertTrue(WaitCycle.message(List.of(a, b, c)).contains("which waits for cell 9 of z(1), computed by proc 300"));
  }

  @Test
  void aCycleThisWaitOnlyLeadsIntoIsLeftToItsMembers() {
    Entry a = waiting(100, 1_000, Y);      // waits for Y, holds nothing anybody waits for
    Entry b = waiting(200, 2_000, Z, Y);
    Entry c = waiting(300, 3_000, Y, Z);
    computedBy(Y, b);
    computedBy(Z, c);
    assertNull(find(a, a, b, c));
    assertEquals(List.of(b, c), find(b, a, b, c));
  }
}
