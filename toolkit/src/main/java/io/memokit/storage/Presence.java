package io.memokit.storage;

/**
 * What a process remembers of a stored cell, to answer hits from memory: whether the store still
 * holds the cell is asked of it on every such hit, so a backend answers without a system call in
 * the common case, and answers {@code false} once any process removed the cell.
 */
public interface Presence {

  long cellId();

  /** Whether the store still holds this cell. */
  boolean stillStored();

  /**
   * Publishes {@code n} hits this process answered from memory, the last at {@code lastHitMillis};
   * never throws (statistics only).
   */
  void publishHits(long n, long lastHitMillis);
}
