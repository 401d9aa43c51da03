package io.memokit.function;

/**
 * A function with an identity: a memoized function, a versioned function, or a named helper.
 * As an argument of a memoized call it is keyed by its identity, so a cell depends on the
 * version of every versioned function found in its arguments.
 */
public interface NamedFunction {

  FunctionId id();

  /**
   * What decides whether its cells are valid, in words: {@code version 3}, {@code code 3fa2...: the
   * code of ...}, or {@code name only: ...} with the reason its code could not be fingerprinted.
   */
  default String keyedBy() {
    if (!id().version().isEmpty()) return "version " + id().version();
    return id().code().isEmpty() ? "name only" : "code " + id().code();
  }

  /**
   * The fingerprint of its code (16 hex digits) when memokit could read it, else empty: its
   * identity's for an unversioned function; a versioned function's too, although its version, not
   * its code, keys its cells. Each stored cell records it, to say which code computed it.
   */
  default String codeFingerprint() {
    return id().code();
  }

  /** Whether an exception it throws is stored like a value (all are, unless the user said otherwise). */
  default boolean stores(Throwable thrown) {
    return true;
  }

  /**
   * What it reads besides its arguments, keyed at each call as arguments are (top-level variables,
   * captured values that may change), and the arguments it ignores.
   */
  default ImplicitArgs implicitArgs() {
    return ImplicitArgs.NONE;
  }

  /** What decides whether a stored cell may still answer a call; {@code null}: every stored cell may. */
  default CellValidity validity() {
    return null;
  }

  /** Calls the function with exactly {@code id().arity()} arguments. */
  Object invoke(Object[] args) throws Exception;
}
