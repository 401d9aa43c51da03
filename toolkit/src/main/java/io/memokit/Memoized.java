package io.memokit;

import java.util.List;

/**
 * The management view of a memoized function: its identity, statistics and cells, shared with
 * every process using the same store. The typed handles returned by {@link Memo#memo} ({@code MemoFn0}
 * to {@code MemoFn5}) implement it.
 *
 * <p>Statistics and cells are read from the store, so they include other processes' work.
 * {@link #clear()}, {@link #clearErrors()} and {@link #resize(int)} act on the store for every process;
 * a process computing a cell that is cleared meanwhile reports it LOST and returns its value.
 */
public interface Memoized {

  /** The function's name. */
  String name();

  /** Its version, {@code ""} when unversioned. */
  String version();

  /** Its number of arguments. */
  int arity();

  /** The store holding its cells. */
  MemoStore store();

  /** Name, version, hits, misses, maxsize and current size of its block. */
  BlockInfo info();

  /** Its cells: id, state, last hit, size in bytes, CPU and wall time. */
  List<CellInfo> cells();

  /** Removes all its cells. Returns how many finished cells were removed. */
  int clear();

  /** Removes its cells that hold a stored exception. Returns how many. */
  int clearErrors();

  /** Sets the most cells its block keeps, evicting the least recently hit beyond it. Returns how many were evicted. */
  int resize(int maxsize);

  /** Whether this handle refuses to compute (cache-only): a miss raises {@link MemoException}. */
  boolean isCacheOnly();
}
