package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.codec.Codec;
import io.memokit.codec.Codec.NotStorableException;
import io.memokit.codec.StoredThrowable;
import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.NamedFunction;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.Provenance;
import io.memokit.storage.WaitBoard;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * A miss: the function computed under its cell's claim, timed (CPU and wall), and its value or
 * exception stored and remembered. What says nothing about the function's value is not stored: an
 * {@link Error}, an interrupt, memokit's own exceptions, or an exception type the function does not
 * store; the claim is then given up and the cell stays free. {@code blockName} is the block's
 * {@link FunctionId#storedName}, built once per block rather than at each miss.
 */
record Computation(FunctionId id, String blockName, String storeName, Codec codec, LongSupplier clockMillis,
                   LongSupplier ticker, CellMemory memory, BlockNotices notices) {

  /** Computes {@code fn(args)} as cell {@code cellId} under {@code claim}; returns its value or throws its exception. */
  Object run(NamedFunction fn, Object[] args, CellKey key, Claim claim, long cellId, SweepStep step) {
    if (step != null) step.computed = true;
    long created = clockMillis.getAsLong();
    long cpu0 = cpuTime();
    long wall0 = ticker.getAsLong();
    Object value = null;
    Throwable thrown = null;
    WaitBoard.CellRef held = new WaitBoard.CellRef(blockName, key.hashHi(), key.hashLo(), cellId);
    Holdings.enter(held); // for waits of this thread on other processes: what they hold up
    try {
      value = StackHops.invoke(fn, args);
    } catch (Throwable t) {
      thrown = t;
    } finally {
      Holdings.leave(held);
    }
    long wall = ticker.getAsLong() - wall0;
    long cpu = Math.max(0, cpuTime() - cpu0);
    if (thrown != null && (!isStorable(thrown) || !fn.stores(thrown))) {
      claim.abandon();
      // Not stored: a failure of this run (an Error, an interrupt, memokit's own), or an exception
      // of a type the caller chose not to store, which is still the function's own answer.
      throw isStorable(thrown) ? SweepStep.fails(step, thrown) : Sneaky.rethrow(thrown);
    }
    StoredError error = thrown == null ? null : new StoredError(thrown, ProcessIdentity.PID, ProcessIdentity.HOST,
        created);
    Codec.Encoded encoded = encode(fn, claim, value, error);
    if (encoded != null) {
      Payload payload = new Payload(encoded.codec(), encoded.buffer(), encoded.length(), thrown != null,
          encoded.shareable());
      try {
        Claim.Timing timing = new Claim.Timing(created, cpu, wall);
        Presence presence = claim.complete(payload, timing, Provenance.codeOf(id, fn.codeFingerprint()));
        if (presence == null) {
          Trace.event(storeName, id.label(), Trace.Kind.LOST, cellId, "");
        } else {
          memory.remember(key, presence, thrown != null, thrown != null ? error : value, payload, timing, false);
        }
      } catch (IOException | RuntimeException e) {
        BlockNotices.storeProblem(id.label() + " in " + storeName, "could not store " + Block.describe(fn, args) + " ("
            + e + "); the result is returned but not cached");
        claim.abandon();
      }
    }
    if (thrown != null) throw SweepStep.fails(step, thrown);
    return value;
  }

  /** Encodes a result for storage; {@code null} (after a notice, cell abandoned) if it cannot be. */
  private Codec.Encoded encode(NamedFunction fn, Claim claim, Object value, StoredError error) {
    try {
      return codec.encode(error != null ? error : value);
    } catch (NotStorableException e) {
      if (error != null) {
        try {
          return codec.encode(new StoredError(StoredThrowable.of((Throwable) error.error()), error.pid(), error.host(),
              error.storedAtMillis()));
        } catch (NotStorableException impossible) {
          claim.abandon();
          return null;
        }
      }
      notices.unstorable(fn, e);
      claim.abandon();
      return null;
    }
  }

  /** Whether a thrown exception is the function's answer, to be stored: not an Error, an interrupt or memokit's own. */
  static boolean isStorable(Throwable t) {
    return !(t instanceof Error) && !(t instanceof InterruptedException) && !(t instanceof MemoException)
        && !Thread.currentThread().isInterrupted();
  }

  private static long cpuTime() {
    ThreadMXBean threads = Threads.BEAN;
    return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
  }

  /**
   * The JVM's thread bean, looked up at the first computation rather than when a block is made:
   * the lookup loads the platform's management beans (20 to 28 ms in a new JVM on a 2-core VM),
   * which a process that only reads stored cells need not pay.
   */
  private static final class Threads {
    static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
  }
}
