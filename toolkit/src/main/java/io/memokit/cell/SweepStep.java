package io.memokit.cell;

/**
 * How one call of a sweep went, as {@link Block} tells it: deferred (another thread or process
 * computes the cell and the step may not wait), computed here, and which exception, if any, is the
 * function's own answer for this input (stored, or of a type the caller chose not to store), as
 * opposed to a failure of this run (an {@link Error}, an interrupt, memokit's own exceptions).
 */
final class SweepStep {

  /** Whether the call may wait for another thread or process computing the cell. */
  final boolean mayWait;
  /** The cell was in progress elsewhere and the call returned without waiting. */
  boolean deferred;
  /** This process ran the function for it (a miss, a takeover, or without the store). */
  boolean computed;
  /** The exception Block is throwing as the function's answer for this input. */
  Throwable answer;

  SweepStep(boolean mayWait) {
    this.mayWait = mayWait;
  }

  /** Marks the step deferred; returns what the deferred call returns (nothing). */
  Object defer() {
    deferred = true;
    return null;
  }

  /** Throws {@code t}, as it is, noting on {@code step} (if any) that it is the function's answer. */
  static RuntimeException fails(SweepStep step, Throwable t) {
    if (step != null) step.answer = t;
    throw Sneaky.rethrow(t);
  }
}
