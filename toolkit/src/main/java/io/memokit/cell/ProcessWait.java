package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.CellKey;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.CellHolder;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.WaitBoard;
import io.memokit.storage.WaitBoard.CellRef;
import io.memokit.storage.WaitBoard.Entry;
import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One thread's wait for a cell another process computes. It says whom it waits for (the WAIT
 * event's detail, read from the cell's pending slot) and, once the wait has lasted 50 ms and this
 * thread holds up cells of its own, keeps an entry on the store's {@link WaitBoard} and looks for
 * a cycle of waits across processes every 100 ms. A cycle seen on two successive checks is
 * refused in its newest wait ({@link WaitCycle}) with a {@link MemoException}; the other waits of
 * the cycle go on, and end when the refused one's computation fails and releases its cell.
 */
final class ProcessWait implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final long FIRST_CHECK_NANOS = 50_000_000L;
  private static final long CHECK_EVERY_NANOS = 100_000_000L;
  /** A published entry is rewritten this often, so that processes of other hosts see it is fresh. */
  private static final long REFRESH_NANOS = 1_000_000_000L;
  /** How long a slot naming a dead process is not announced, while the process taking over rewrites it. */
  private static final long DEAD_HOLDER_GRACE_NANOS = 1_000_000_000L;

  private final StoreBackend store;
  private final BlockBackend storage;
  private final String block;
  private final CellKey key;
  private final InFlight mine;
  private final LongSupplier ticker;
  private final long startNanos;
  private final long since;
  private CellHolder holder;
  private boolean announced;
  private long nextCheck;
  private Entry published;
  private long publishedAt;
  private List<Entry> suspected;

  /** A wait timed by {@code ticker} (monotonic nanoseconds), dated on the board by {@code clockMillis}. */
  ProcessWait(StoreBackend store, BlockBackend storage, CellKey key, InFlight mine, LongSupplier clockMillis,
              LongSupplier ticker) {
    this.ticker = ticker;
    this.startNanos = ticker.getAsLong();
    this.since = clockMillis.getAsLong();
    this.nextCheck = startNanos + FIRST_CHECK_NANOS;
    this.store = store;
    this.storage = storage;
    this.block = storage.id().storedName();
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
    } else if (h.known() && ticker.getAsLong() - startNanos < DEAD_HOLDER_GRACE_NANOS) {
      return null;
    }
    announced = true;
    return "for " + (holder != null ? holder.describe() : "another process");
  }

  /**
   * When due, publishes this wait on the store's board and looks for a cycle through it; throws
   * the {@link MemoException} naming the cycle's cells and processes if this wait is the one to give up.
   */
  void checkForCycle() {
    long now = ticker.getAsLong();
    if (now - nextCheck < 0) return;
    nextCheck = now + CHECK_EVERY_NANOS;
    CellHolder h = storage.holder(key);
    if (h != null && h.trusted()) {
      holder = h;
      mine.cellId = h.cellId();
    }
    List<CellRef> holds = Holdings.heldUpBy(Thread.currentThread());
    if (holds.isEmpty()) { // holding nothing up, nobody can be waiting for this wait: no cycle through it
      withdraw();
      suspected = null;
      return;
    }
    Entry me = Entry.ofThisThread(since, new CellRef(block, key.hashHi(), key.hashLo(), mine.cellId), holds);
    WaitBoard board = store.waitBoard();
    if (!me.equals(published) || now - publishedAt > REFRESH_NANOS) {
      try {
        board.publish(me);
        published = me;
        publishedAt = now;
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: cannot publish a wait of " + storage.id().label() + ": " + e);
        return;
      }
    }
    List<Entry> cycle = WaitCycle.find(me, board.entries(), store::holderOf);
    List<Entry> before = suspected;
    suspected = cycle;
    if (cycle == null || before == null || !WaitCycle.same(before, cycle)) return; // believed once seen twice
    if (WaitCycle.giver(cycle).sameThread(me)) throw new MemoException(WaitCycle.message(cycle));
  }

  /** The exception for a wait interrupted ({@code Thread.interrupt}, or {@code Thread.stop}: {@code cause}). */
  MemoException interrupted(Throwable cause) {
    String cell = mine.cellId > 0 ? "cell " + mine.cellId + " of " : "";
    return new MemoException("interrupted while waiting for " + cell + mine.description() + ", computed by "
        + (holder != null ? holder.process() : "another process"), cause);
  }

  private void withdraw() {
    if (published != null) {
      store.waitBoard().withdraw(published);
      published = null;
    }
  }

  @Override
  public void close() {
    withdraw();
  }
}
