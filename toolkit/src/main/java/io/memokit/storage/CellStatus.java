package io.memokit.storage;

/**
 * One cell's statistics, as its backend records them.
 *
 * @param id            its number, unique in the store
 * @param state         computing, or holding a value or an exception
 * @param createdMillis when its computation began (epoch milliseconds)
 * @param lastHitMillis its last hit (its completion if never hit)
 * @param hits          hits in every process
 * @param bytes         bytes stored (0 while computing)
 * @param cpuNanos      CPU time of its computation
 * @param wallNanos     elapsed time of its computation
 * @param arguments     its arguments in words ({@link io.memokit.function.KeyText}), or {@code null}
 *                      when not asked for or not known
 * @param provenance    where it came from; {@link Provenance#UNKNOWN} when not asked for, not
 *                      recorded (an earlier memokit stored it) or still computing
 */
public record CellStatus(long id, State state, long createdMillis, long lastHitMillis, long hits, long bytes,
                         long cpuNanos, long wallNanos, String arguments, Provenance provenance) {

  /** What a cell holds. */
  public enum State { COMPUTING, VALUE, ERROR }
}
