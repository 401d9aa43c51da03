/**
 * Function identity and canonical keys: what a memoized call <em>is</em>.
 *
 * <p>A {@link io.memokit.function.FunctionId} names a block (name, version, arity); a
 * {@link io.memokit.function.CellKey} names a cell inside it: the canonical encoding of the
 * arguments, equal for equal values in every JVM, and its 128-bit hash. Implementation package:
 * not part of memokit's API, which is {@code io.memokit} alone.
 */
package io.memokit.function;
