package io.memokit;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * A block of a store, found by its name ({@link MemoStore#block(String)}): what a process without
 * the block's function (the command line, a notebook managing a store) can read and change. Every
 * call reads or changes the store itself, so other processes' work shows and every process sees a
 * change; a store that cannot do a call says so in a {@link java.io.UncheckedIOException} naming
 * the block and the store.
 */
public interface StoredBlock {

  /** Its name as {@link MemoStore#blocks()} lists it ({@link BlockInfo#blockName()}). */
  String name();

  /** Its statistics. */
  BlockInfo info();

  /** Its cells: id, state, last hit, size in bytes, CPU and wall time. */
  List<CellInfo> cells();

  /** Removes its cells (the block stays, with its statistics); returns how many. */
  int clear();

  /** Removes its stored exceptions; returns how many. */
  int clearErrors();

  /**
   * Removes the finished cells that {@code which} accepts (of {@link #cells()}, with their arguments
   * and origin: {@code c -> c.origin().host().equals("host-a")}), each as {@code f.forget(...)} would,
   * so that no process answers them from memory any more; a cell being computed is never removed.
   * Returns how many were removed.
   */
  int removeCells(Predicate<? super CellInfo> which);

  /** Keeps at most {@code maxsize} cells, evicting the least recently hit; returns how many were evicted. */
  int resize(int maxsize);

  /** When a cell of it was last computed or hit, in any process. */
  Instant lastUsed();

  /**
   * The other running processes that use it (call its function), each in words ({@code proc 4504
   * on host-a}); empty if none.
   */
  List<String> usedBy();

  /**
   * Removes the block, its cells and statistics, unless another running process uses it
   * ({@link #usedBy()}); returns whether it was removed.
   */
  boolean remove();

  /**
   * Bytes it takes in its store: its files (values, index, locks) in a directory store, its cells'
   * bytes in a database.
   */
  long footprint();
}
