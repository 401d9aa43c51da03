package io.memokit.function;

/**
 * A function with an identity: a memoized function, a versioned function, or a named helper.
 * As an argument of a memoized call it is keyed by its identity, so a cell depends on the
 * version of every versioned function found in its arguments.
 */
public interface NamedFunction {

  FunctionId id();

  /** Calls the function with exactly {@code id().arity()} arguments. */
  Object invoke(Object[] args) throws Exception;
}
