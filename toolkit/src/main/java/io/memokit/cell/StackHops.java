package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.NamedFunction;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a deep memoized recursion off the caller's stack. Each memoized level adds memokit's own
 * frames (the handle, the cell's lifecycle, the computation) to the function's, so a recursion
 * that plain Java runs 10,000 deep would overflow a thread's stack with them. Every
 * {@value #LEVELS_PER_THREAD} nested computations on one thread, the next one runs on a fresh thread
 * with a stack of its own, while the calling thread waits for it (as one waits for a cell another
 * thread computes, and with the same refusal of a cycle): the depth of a recursion is then bounded
 * by memory, not by the caller's stack.
 */
final class StackHops {

  /** Nested computations a thread runs before the next one moves to a fresh thread. */
  static final int LEVELS_PER_THREAD = 64;
  /** The stack of a fresh thread: room for its levels and the user's own frames (reserved, used as needed). */
  private static final long STACK_BYTES = 64L << 20;
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final AtomicLong THREADS = new AtomicLong();

  private StackHops() {}

  /** Calls {@code fn(args)} on this thread, or on a fresh one when this thread is deep in nested computations. */
  static Object invoke(NamedFunction fn, Object[] args) throws Exception {
    int[] depth = DEPTH.get();
    if (depth[0] >= LEVELS_PER_THREAD) return onFreshThread(fn, args);
    depth[0]++;
    try {
      return fn.invoke(args);
    } finally {
      depth[0]--;
    }
  }

  private static Object onFreshThread(NamedFunction fn, Object[] args) throws Exception {
    Object[] result = new Object[1];
    Throwable[] thrown = new Throwable[1];
    Thread caller = Thread.currentThread();
    Thread t = new Thread(null, () -> {
      try {
        result[0] = invoke(fn, args);
      } catch (Throwable e) {
        thrown[0] = e;
      }
    }, "memokit-deep-" + THREADS.incrementAndGet() + " (" + caller.getName() + ")", STACK_BYTES);
    t.setDaemon(caller.isDaemon());
    t.setContextClassLoader(caller.getContextClassLoader());
    t.start();
    InFlight.continuedOn(t);
    try {
      t.join();
    } catch (InterruptedException | ThreadDeath e) {
      // Interrupted (a Jupyter kernel's interrupt) or stopped (JShell's Ctrl-C on JDK 17): the fresh
      // thread's computation is interrupted too, and gives up its cells as an interrupted call does.
      t.interrupt();
      if (e instanceof InterruptedException) caller.interrupt();
      throw new MemoException("interrupted while " + fn.id().label() + " computed on thread " + t.getName(),
          e instanceof ThreadDeath ? e : null);
    } finally {
      InFlight.continuedOn(null);
    }
    if (thrown[0] instanceof Exception e) throw e;
    if (thrown[0] != null) throw (Error) thrown[0];
    return result[0];
  }
}
