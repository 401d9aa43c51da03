package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.NamedFunction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A cell some thread of this process is resolving (reading, waiting for, or computing). Other
 * threads asking for the same cell wait for it instead of claiming the cell in the store, where a
 * claim belongs to the whole process (a file lock the JVM grants once per process, or an advisory
 * lock of the process's one lock session in PostgreSQL). A wait that would close a cycle of threads waiting on each
 * other (a function calling itself with the same arguments, directly or through others) is
 * refused with a {@link MemoException} instead of hanging.
 */
final class InFlight {

  private static final Map<Thread, InFlight> WAITING_FOR = new ConcurrentHashMap<>();

  final Thread owner;
  /** The call, rendered for error messages only (arguments can be large): {@code fn(args)}, or {@link #describe}. */
  private final NamedFunction fn;
  private final Object[] args;
  private final java.util.function.Supplier<String> describe;
  volatile long cellId;
  /** The value a waiting owner obtained from another process (set before {@link #finish}). */
  Object result;
  /**
   * Whether the owner is done, and whether a thread waits for that. Each is written before the
   * other is read (volatile: one order for all), so a finish either is seen by a waiter before it
   * waits or sees the waiter and wakes it; a resolution nobody waits for takes no lock and
   * allocates nothing beyond this object.
   */
  private volatile boolean finished;
  private volatile boolean watched;

  /** The current thread resolving {@code fn(args)}. */
  InFlight(NamedFunction fn, Object[] args) {
    this.owner = Thread.currentThread();
    this.fn = fn;
    this.args = args;
    this.describe = null;
  }

  private InFlight(Thread owner, java.util.function.Supplier<String> describe) {
    this.owner = owner;
    this.fn = null;
    this.args = null;
    this.describe = describe;
  }

  /**
   * Says that the current thread waits for {@code deeper}, which continues its computation
   * ({@link StackHops}); {@code null} when that is over. A wait of {@code deeper} for a cell this
   * thread resolves is then refused as a cycle, as if both were one thread.
   */
  static void continuedOn(Thread deeper) {
    Thread me = Thread.currentThread();
    if (deeper == null) {
      WAITING_FOR.remove(me);
    } else {
      WAITING_FOR.put(me, new InFlight(deeper, () -> "the computation continued on " + deeper.getName()));
    }
  }

  String description() {
    return describe != null ? describe.get() : Block.describe(fn, args);
  }

  void finish() {
    finished = true;
    if (watched) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** The threads waiting, directly or through others, for a cell {@code thread} resolves. */
  static java.util.Set<Thread> waitersOf(Thread thread) {
    java.util.Set<Thread> found = new java.util.HashSet<>();
    java.util.Deque<Thread> todo = new java.util.ArrayDeque<>(List.of(thread));
    while (!todo.isEmpty()) {
      Thread t = todo.pop();
      for (Map.Entry<Thread, InFlight> e : WAITING_FOR.entrySet()) {
        if (e.getValue().owner == t && e.getKey() != thread && found.add(e.getKey())) todo.push(e.getKey());
      }
    }
    return found;
  }

  /** Waits up to {@code millis} for the owner to finish; refuses a wait that would deadlock. */
  boolean await(long millis) throws InterruptedException {
    Thread me = Thread.currentThread();
    if (owner == me) {
      throw new MemoException(description() + " calls itself with the same arguments: it would wait for its own "
          + "result forever");
    }
    InFlight next = this;
    for (int hops = 0; next != null && hops < 1000; hops++) {
      if (next.owner == me) {
        throw new MemoException(description() + " is waited for by a chain of calls that includes this thread's own "
            + "computation: waiting would deadlock");
      }
      next = WAITING_FOR.get(next.owner);
    }
    WAITING_FOR.put(me, this);
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      synchronized (this) {
        watched = true;
        while (!finished) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return false;
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
      }
    } finally {
      WAITING_FOR.remove(me);
    }
  }
}
