package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.NamedFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A function computed over a list of inputs by every process that runs the same sweep on one
 * store, with no coordinator: the store's claims are the only agreement.
 *
 * <ol>
 *   <li>Pass 1, in input order: a stored cell is taken (HIT); a cell nobody computes is claimed and
 *       computed here; a cell another thread or process computes is deferred, without waiting.</li>
 *   <li>Then, until none is left: every deferred cell is asked again without waiting (taken if it
 *       is done, computed here if its process died or gave it up); if some are still in progress,
 *       the first of them is called as a single call is (it waits, reports WAIT, takes the cell
 *       over if its process dies, refuses a cycle of waits), and the round starts again.</li>
 * </ol>
 * A process holds a claim only while it computes the cell, so after one round only the cells
 * computed right now elsewhere are left: the rounds stay short.
 *
 * <p>An exception that is the function's answer for an input (stored, or of a type the caller chose
 * not to store) does not stop the sweep: every input is resolved, then the answer of the first
 * failing input in input order is thrown as a single call throws it. A failure of this run (an
 * {@link Error}, an interrupt, memokit's own {@link MemoException}) stops the sweep at once; the
 * cells this process claimed are completed or released, so the other processes go on.
 */
public final class Sweep {

  /** Where the result of an input came from. */
  public enum Source {
    /** Stored when this sweep reached it. */
    HIT,
    /** Computed by this process (a miss, a takeover, or without the store). */
    COMPUTED_HERE,
    /** In progress in another process (or thread) when this sweep reached it, and collected after. */
    COMPUTED_ELSEWHERE
  }

  /** Told of each input as it is resolved (in the order they are, not input order). */
  @FunctionalInterface
  public interface Listener {
    void resolved(Source source);
  }

  /** One call, as a sweep step: through the block, or without the store. */
  @FunctionalInterface
  private interface Caller {
    Object call(Object[] args, SweepStep step);
  }

  private final Caller caller;
  private final String label;
  private final List<Object[]> calls;
  private final Listener listener;
  private final Object[] values;
  private final Throwable[] answers;
  private int resolved;

  private Sweep(Caller caller, String label, List<Object[]> calls, Listener listener) {
    this.caller = caller;
    this.label = label;
    this.calls = calls;
    this.listener = listener;
    this.values = new Object[calls.size()];
    this.answers = new Throwable[calls.size()];
  }

  /**
   * Sweeps {@code fn} over {@code calls} (one argument array per input) through {@code block}.
   * Returns the values in input order (an unmodifiable list, which may hold nulls), or throws the
   * first failing input's exception once every input is resolved.
   */
  public static List<Object> through(Block block, NamedFunction fn, List<Object[]> calls, boolean cacheOnly,
                                     Listener listener) {
    return new Sweep((args, step) -> block.call(fn, args, cacheOnly, step), fn.id().label(), calls, listener).run();
  }

  /** As {@link #through}, computing every input here without the store (which cannot be used: {@code cause}). */
  public static List<Object> withoutStore(NamedFunction fn, List<Object[]> calls, String where, Exception cause,
                                          Listener listener) {
    return new Sweep((args, step) -> Block.withoutStore(fn, args, where, cause, step), fn.id().label(), calls,
        listener).run();
  }

  private List<Object> run() {
    List<Integer> deferred = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      if (!attempt(i, false, Source.HIT)) deferred.add(i);
    }
    while (!deferred.isEmpty()) {
      for (Iterator<Integer> it = deferred.iterator(); it.hasNext(); ) {
        if (attempt(it.next(), false, Source.COMPUTED_ELSEWHERE)) it.remove();
      }
      if (!deferred.isEmpty()) attempt(deferred.remove(0), true, Source.COMPUTED_ELSEWHERE);
    }
    for (Throwable t : answers) {
      if (t != null) throw Sneaky.rethrow(t);
    }
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /**
   * Resolves input {@code i} (waiting only if {@code mayWait}); returns false if it was deferred.
   * {@code served} is what a result this process did not compute counts as.
   */
  private boolean attempt(int i, boolean mayWait, Source served) {
    if (Thread.currentThread().isInterrupted()) {
      throw new MemoException("interrupted: the sweep of " + label + " stopped after " + resolved + " of "
          + calls.size() + " inputs (sweeping again takes the results stored)");
    }
    SweepStep step = new SweepStep(mayWait);
    try {
      values[i] = caller.call(calls.get(i), step);
    } catch (Throwable t) {
      if (t != step.answer) throw t;
      answers[i] = t;
    }
    if (step.deferred) return false;
    resolved++;
    listener.resolved(step.computed ? Source.COMPUTED_HERE : served);
    return true;
  }
}
