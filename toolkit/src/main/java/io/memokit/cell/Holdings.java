package io.memokit.cell;

import io.memokit.storage.WaitBoard.CellRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cells each thread of this process is computing (it holds their cell locks while its
 * function runs), so that a thread waiting for another process can say which cells its wait
 * holds up: its own, and those of the threads of this process waiting for it.
 */
final class Holdings {

  private static final Map<Thread, List<CellRef>> COMPUTING = new ConcurrentHashMap<>();

  private Holdings() {}

  /** The current thread begins computing {@code cell}. */
  static void enter(CellRef cell) {
    COMPUTING.merge(Thread.currentThread(), List.of(cell), (held, added) -> {
      List<CellRef> more = new ArrayList<>(held);
      more.addAll(added);
      return List.copyOf(more);
    });
  }

  /** The current thread is done computing {@code cell}. */
  static void leave(CellRef cell) {
    COMPUTING.computeIfPresent(Thread.currentThread(), (t, held) -> {
      List<CellRef> fewer = new ArrayList<>(held);
      fewer.remove(cell);
      return fewer.isEmpty() ? null : List.copyOf(fewer);
    });
  }

  /** The cells a wait of {@code thread} holds up: those it computes and those of the threads waiting for it. */
  static List<CellRef> heldUpBy(Thread thread) {
    List<CellRef> cells = new ArrayList<>(COMPUTING.getOrDefault(thread, List.of()));
    for (Thread waiter : InFlight.waitersOf(thread)) cells.addAll(COMPUTING.getOrDefault(waiter, List.of()));
    return cells;
  }
}
