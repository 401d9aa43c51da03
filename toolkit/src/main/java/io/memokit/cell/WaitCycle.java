package io.memokit.cell;

import io.memokit.storage.CellHolder;
import io.memokit.storage.WaitBoard.CellRef;
import io.memokit.storage.WaitBoard.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A cycle of waits across processes, found from the store's wait board: a wait for a cell that
 * another waiting thread holds up, which waits for a cell the next one holds up, and so on back
 * to the first. Each link is checked against the lock's truth: the cell's pending slot must name
 * the process that claims to hold it. Only the newest wait of a cycle gives up, so exactly one
 * of its processes raises and the others proceed.
 */
final class WaitCycle {

  private static final int MAX_LENGTH = 64;
  private static final Comparator<Entry> AGE = Comparator.comparingLong(Entry::since)
      .thenComparingInt(Entry::hostHash).thenComparingLong(Entry::pid).thenComparingLong(Entry::threadId);

  private WaitCycle() {}

  /**
   * The cycle through {@code mine}, starting with it, or {@code null} if there is none.
   * {@code holderOf} asks the store who computes a cell.
   */
  static List<Entry> find(Entry mine, List<Entry> board, Function<CellRef, CellHolder> holderOf) {
    List<Entry> path = new ArrayList<>(List.of(mine));
    Entry current = mine;
    for (int length = 0; length < MAX_LENGTH; length++) {
      CellRef cell = current.waitsFor();
      Entry next = holdsUp(mine, cell) ? mine : null;
      for (int i = 0; next == null && i < board.size(); i++) {
        Entry e = board.get(i);
        if (!e.sameThread(mine) && holdsUp(e, cell)) next = e;
      }
      if (next == null) return null; // whoever computes that cell is not waiting: it makes progress
      CellHolder holder = holderOf.apply(cell);
      if (holder == null || holder.pid() != next.pid() || holder.hostHash() != next.hostHash()) return null;
      if (next == mine) return path.size() > 1 ? path : null; // within one process, InFlight refuses such waits
      for (Entry seen : path) {
        if (seen.sameThread(next)) return null; // a cycle this wait only leads into: its own members report it
      }
      path.add(next);
      current = next;
    }
    return null;
  }

  private static boolean holdsUp(Entry e, CellRef cell) {
    for (CellRef h : e.holds()) {
      if (h.sameCell(cell)) return true;
    }
    return false;
  }

  /** Whether two findings are the same cycle of the same waits (a cycle is believed once seen twice). */
  static boolean same(List<Entry> a, List<Entry> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      Entry x = a.get(i);
      Entry y = b.get(i);
      if (!x.sameThread(y) || x.since() != y.since() || !x.waitsFor().sameCell(y.waitsFor())) return false;
    }
    return true;
  }

  /** The wait of the cycle that gives up: the newest (ties broken by host, pid and thread). */
  static Entry giver(List<Entry> cycle) {
    return cycle.stream().max(AGE).orElseThrow();
  }

  /**
   * For the process that gives up ({@code cycle} starts with its wait), e.g. "waiting for cell 8
   * of y(1) would deadlock: it is computed by proc 200 on host-a, which waits for cell 7 of x(1),
   * computed by this process (proc 100 on host-a). ..."
   */
  static String message(List<Entry> cycle) {
    Entry mine = cycle.get(0);
    StringBuilder sb = new StringBuilder("waiting for ").append(mine.waitsFor().describe())
        .append(" would deadlock: it is computed by ");
    for (int i = 1; i < cycle.size(); i++) {
      Entry e = cycle.get(i);
      sb.append(e.process()).append(", which waits for ").append(e.waitsFor().describe()).append(", computed by ");
    }
    return sb.append("this process (").append(mine.process()).append("). This wait, the newest of the ")
        .append(cycle.size()).append(" in the cycle, is given up so that the others proceed").toString();
  }
}
