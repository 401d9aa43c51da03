package io.memokit;

import java.time.Duration;
import java.time.Instant;

/**
 * What a validity rule ({@code f.validIf(...)}) sees of a stored cell before the cell answers a
 * call: when it was written and what it cost, never its value.
 *
 * @param id       the cell's number, as the trace and {@link Memoized#cells()} show it
 * @param error    whether it holds a stored exception
 * @param written  when its result was stored (its computation's start plus its elapsed time)
 * @param age      how long ago that was, by the store's clock
 * @param cpuTime  CPU time of its computation
 * @param wallTime elapsed time of its computation
 */
public record CellAge(long id, boolean error, Instant written, Duration age, Duration cpuTime, Duration wallTime) {}
