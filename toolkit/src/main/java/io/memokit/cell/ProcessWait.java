package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.CellKey;
import io.memokit.storage.BlockStorage;
import io.memokit.storage.CellHolder;

/**
 * One thread's wait for a cell another process computes: says whom it waits for (the WAIT
 * event's detail, read from the cell's pending slot), and what it was waiting for when interrupted.
 */
final class ProcessWait {

  /** How long a slot naming a dead process is not announced, while the process taking over rewrites it. */
  private static final long DEAD_HOLDER_GRACE_NANOS = 1_000_000_000L;

  private final BlockStorage storage;
  private final CellKey key;
  private final InFlight mine;
  private final long startNanos = System.nanoTime();
  private CellHolder holder;
  private boolean announced;

  ProcessWait(BlockStorage storage, CellKey key, InFlight mine) {
    this.storage = storage;
    this.key = key;
    this.mine = mine;
  }

  /**
   * The WAIT event's detail, once: {@code for proc 4711 on host-a since 14:32:13} when the cell's
   * pending slot names a process that may be alive. A slot naming a dead process is not believed
   * (the lock is the truth: someone else holds it and is about to rewrite the slot); after a
   * second, or for a slot naming nobody, {@code for another process}. {@code null} until then, and after.
   */
  String announcement() {
    if (announced) return null;
    CellHolder h = storage.holder(key);
    if (h == null) return null; // no pending slot yet: the cell's id is not known
    mine.cellId = h.cellId();
    if (h.trusted()) {
      holder = h;
    } else if (h.known() && System.nanoTime() - startNanos < DEAD_HOLDER_GRACE_NANOS) {
      return null;
    }
    announced = true;
    return "for " + (holder != null ? holder.describe() : "another process");
  }

  /** The exception for a wait interrupted ({@code Thread.interrupt}, or {@code Thread.stop}: {@code cause}). */
  MemoException interrupted(Throwable cause) {
    String cell = mine.cellId > 0 ? "cell " + mine.cellId + " of " : "";
    return new MemoException("interrupted while waiting for " + cell + mine.description() + ", computed by "
        + (holder != null ? holder.process() : "another process"), cause);
  }
}
