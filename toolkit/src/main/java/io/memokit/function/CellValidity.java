package io.memokit.function;

/**
 * Whether a stored cell may still answer a call: a handle with an expiry or a validity rule says so
 * of each cell it would return (from the store or from memory), and a cell it refuses is computed
 * anew and replaced, as a miss.
 */
public interface CellValidity {

  /**
   * Whether cell {@code cellId} (holding an exception when {@code error}), whose computation began
   * at {@code createdMillis} (epoch milliseconds) and took {@code cpuNanos} of CPU and
   * {@code wallNanos} of elapsed time, may still answer; {@code why} receives the reason when not.
   */
  boolean valid(long cellId, boolean error, long createdMillis, long cpuNanos, long wallNanos, StringBuilder why);
}
