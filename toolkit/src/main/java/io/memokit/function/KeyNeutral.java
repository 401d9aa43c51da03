package io.memokit.function;

/**
 * A value that does not change what a function computes (a store handle): read from a top-level
 * variable by a memoized function, it is not part of the function's key.
 */
public interface KeyNeutral {}
