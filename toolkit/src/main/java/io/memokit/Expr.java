package io.memokit;

import java.util.List;

/**
 * A lazy, closed, immutable description of a call: a named function (memoized or versioned) and
 * its arguments. Nothing runs until {@link #get()}; the first {@code get()} computes the value
 * (incarnation) and later ones return it, until {@link #reset()}.
 *
 * <p>Guarantees: as an argument of a memoized function an expression is keyed by its definition
 * (function name, version and arguments, recursively), never by its value, so chained steps are
 * cached without running the steps before them; a versioned function anywhere in the definition
 * makes such cells depend on its version. Stored inside a cached value, an expression is saved by
 * definition and incarnated on demand in the process that reads it, with that process's
 * definition of the function name (an error names the function if the process has none).
 *
 * @param <R> the type of its value
 */
public interface Expr<R> {

  /** The value: computed on first call (through the cache if the function is memoized), then kept. */
  R get();

  /** Forgets the value, so the next {@link #get()} computes (or looks up) it again. */
  void reset();

  /** Whether {@link #get()} has computed the value (and {@link #reset()} has not dropped it). */
  boolean isIncarnated();

  /** The function's label: {@code name}, or {@code name{version}} when versioned. */
  String function();

  /** The arguments, unevaluated (nested expressions stay expressions). */
  List<Object> arguments();
}
