package io.memokit.storage;

import java.io.IOException;

/**
 * The right to compute one cell, held by one thread of one process. While it is held, every other
 * claim of the cell fails; the backend releases it if its process dies, so that a waiter takes the
 * cell over. Use: {@link #stored} (someone may have stored it meanwhile), {@link #start}, compute,
 * then {@link #complete} or {@link #abandon}; {@link #close} always.
 */
public interface Claim extends AutoCloseable {

  /**
   * The key's finished cell, read once this claim was held (verified as {@link BlockBackend#read}
   * verifies), or {@code null}: another process may have stored it between the caller's read and
   * this claim. A backend may read it with the claim itself, in one round trip to its server.
   */
  StoredCell stored();

  /**
   * Makes the computation visible (cell number, computing process) before it runs, evicting the least
   * recently hit cells if the block is full, or taking over the cell of a process that died; or
   * returns what the claim did so ({@link BlockBackend#tryClaimToCompute}). A finished cell of the key
   * is replaced, as the caller found it unusable; but if this claim's last {@link #stored} found
   * none, or another, a backend may throw {@link StoredMeanwhile} instead, once: that read was not
   * one to trust.
   */
  Started start() throws IOException;

  /**
   * Stores the result of the started cell, with where it came from ({@link Provenance}): this
   * process, and {@code code}, the computing function's code as {@link Provenance#codeOf} words it.
   * Returns what lets this process answer its next hits from memory, or {@code null} if the cell was
   * removed while it was computed (cleared: the result is not stored, and the caller reports it lost).
   */
  Presence complete(Payload result, Timing timing, String code) throws IOException;

  /**
   * Gives the started cell up (its result will not be stored), and its number back: the next cell
   * started in the store draws it again, unless a later number was drawn meanwhile (by any thread or
   * process), which leaves it unused. Never throws.
   */
  void abandon();

  /** Releases the claim; never throws. */
  @Override
  void close();

  /**
   * A started cell.
   *
   * @param cellId    its number, unique in the store
   * @param evicted   how many finished cells were evicted to make room for it
   * @param takenOver whether it was left by a process that died and is taken over here
   */
  record Started(long cellId, int evicted, boolean takenOver) {}

  /**
   * What {@link #start} throws, having started nothing, when it finds the key's cell finished where
   * the claim's last {@link #stored} found none or another: a read made while the block's index was
   * being repaired (a fault the JVM reports late, after the read went on with what it had). The
   * caller reads {@link #stored} again; the claim's next {@code start} replaces the cell.
   */
  final class StoredMeanwhile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoredMeanwhile(long cellId) {
      super("cell " + cellId + " is stored: read it again", null, false, false);
    }
  }

  /**
   * When and how long a cell was computed.
   *
   * @param createdMillis when its computation began (epoch milliseconds)
   * @param cpuNanos      CPU time of the computing thread
   * @param wallNanos     elapsed time
   */
  record Timing(long createdMillis, long cpuNanos, long wallNanos) {}
}
