package io.memokit;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one cell's metadata (never its value).
 *
 * @param id       the cell's number, the same in every process and shown in the trace
 * @param state    whether it holds a value, a stored exception, or is being computed
 * @param created  when its computation started
 * @param lastHit  when it was last returned; until its first hit ({@code hits == 0}), when it was stored
 * @param hits     how many calls it answered
 * @param size     bytes of its stored value or exception (its state says which), 0 while computing
 * @param cpuTime  CPU time of the computing thread
 * @param wallTime elapsed time of the computation
 * @param arguments its arguments in words, at most 80 characters, as its stored key gives them back
 *                 ({@code (7, "abc", int[1000])}: what the caller passed, not the variables read;
 *                 {@code ...} where cut); empty while computing, or when the key was too large to keep
 * @param origin   where it came from: who stored it, from which process and host, with which code;
 *                 {@link CellOrigin#UNKNOWN} while computing, or for a cell an earlier memokit stored
 */
public record CellInfo(long id, State state, Instant created, Instant lastHit, long hits, long size,
                       Duration cpuTime, Duration wallTime, String arguments, CellOrigin origin) {

  /** A cell whose origin is not known. */
  public CellInfo(long id, State state, Instant created, Instant lastHit, long hits, long size, Duration cpuTime,
                  Duration wallTime, String arguments) {
    this(id, state, created, lastHit, hits, size, cpuTime, wallTime, arguments, CellOrigin.UNKNOWN);
  }

  /** A cell whose arguments and origin are not known. */
  public CellInfo(long id, State state, Instant created, Instant lastHit, long hits, long size, Duration cpuTime,
                  Duration wallTime) {
    this(id, state, created, lastHit, hits, size, cpuTime, wallTime, "");
  }

  /** What a cell holds. */
  public enum State { VALUE, ERROR, COMPUTING }

  @Override
  public String toString() {
    // The words of the tables (io.memokit.display.Vocabulary).
    var v = io.memokit.display.Vocabulary.cellRow(this);
    return "cell " + v.get(0) + " " + v.get(1) + " " + v.get(2) + " hits=" + v.get(3) + " bytes=" + v.get(4) + " CPU="
        + v.get(5) + " wall=" + v.get(6) + " written by=" + v.get(7) + " last hit=" + v.get(8);
  }
}
