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
 */
public record CellInfo(long id, State state, Instant created, Instant lastHit, long hits, long size,
                       Duration cpuTime, Duration wallTime) {

  /** What a cell holds. */
  public enum State { VALUE, ERROR, COMPUTING }

  @Override
  public String toString() {
    // The words of the tables (io.memokit.display.Vocabulary).
    var v = io.memokit.display.Vocabulary.cellRow(this);
    return "cell " + v.get(0) + " " + v.get(1) + " hits=" + v.get(2) + " bytes=" + v.get(3) + " CPU=" + v.get(4) + " wall="
        + v.get(5) + " last hit=" + v.get(6);
  }
}
