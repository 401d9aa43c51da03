package io.memokit.storage;

import io.memokit.function.FunctionId;
import java.util.List;

/**
 * A store's backend: where cells are kept and how processes agree on them. Backends are chosen by
 * location ({@link Backends#open}); the directory backend is the embedded default. A backend stores
 * bytes with a codec id: it never encodes, decodes or interprets a value.
 *
 * <p>Guarantees every backend gives, checked by one contract test suite run against each:
 * <ul>
 *   <li>a cell is computed by one process at a time ({@link BlockBackend#tryClaim}), and a claim
 *       whose process dies is released, so that a waiter can take the cell over;</li>
 *   <li>a stored cell is returned whole and with the bytes stored, or not at all: damaged storage is
 *       detected, reported and treated as absent;</li>
 *   <li>a block never holds more finished cells than its maxsize; the least recently hit go first
 *       (a backend may approximate this order in large blocks, and says how);</li>
 *   <li>what a process remembers of a cell ({@link Presence}) stops being valid when the cell is
 *       removed from the store by any process.</li>
 * </ul>
 */
public interface StoreBackend extends AutoCloseable {

  /** Where the store is, for messages and for the API's {@code path()}: a directory or a URL. */
  String location();

  /** The block of {@code id}, created on first use. */
  BlockBackend block(FunctionId id);

  /** The identities of the blocks the store holds, in no particular order. */
  List<FunctionId> blockIds();

  /** Deletes a block with its cells and statistics; a process still using it starts it anew, empty. */
  void removeBlock(FunctionId id);

  /**
   * Records that this process uses block {@code id} (it calls its function): until this process
   * ends, normally or not (kill -9, a lost connection), {@link #usersOf} names it to every other
   * process. Cheap when repeated.
   */
  void markInUse(FunctionId id);

  /** The other running processes that use block {@code id} (see {@link #markInUse}); empty if none. */
  java.util.List<BlockUser> usersOf(FunctionId id);

  /** Bytes the store takes, cells and bookkeeping together. */
  long bytes();

  /** Bytes block {@code id} takes: its files in a directory store, its cells' bytes in a database; 0 if none. */
  long footprint(FunctionId id);

  /** A pass that finds the cells over the byte limit evicts until they take this share of it, so one pass serves many misses. */
  double LIMIT_MARGIN = 0.95;

  /** The limit on the bytes of the store's cells, all blocks together; 0 if none. */
  long byteLimit();

  /**
   * Sets the limit on the bytes of the store's cells, all blocks together, kept in the store for
   * every process (0 removes it): whenever a new cell passes it, the least recently hit cells of
   * any block are evicted until the cells take 95% of it. Evicts at once if the store is over it;
   * returns how many cells were evicted. {@code maxBytes} is 0 or more (the caller checks it).
   */
  int limitBytes(long maxBytes);

  /**
   * Who, besides this process's user, can write the store's cells, in words ("members of group
   * staff can write it"), or null when nobody else can: values read from a store others can write
   * are decoded by the safe default ({@code io.memokit.codec.ReadPolicy}). Judged when the store is
   * opened.
   */
  String otherWriters();

  /** The store's board of waits across processes (to find cycles of processes waiting for each other). */
  WaitBoard waitBoard();

  /** Who computes the cell {@code ref} names, in any block; {@code null} if nobody visibly does. */
  CellHolder holderOf(WaitBoard.CellRef ref);

  /**
   * Verifies that the store's bookkeeping and its cells agree (every indexed cell readable, every
   * cell indexed once, counters and headers sound); with {@code fix}, repairs what it can. Returns
   * the problems found, in words; empty when the store is sound.
   */
  List<String> check(boolean fix);

  /**
   * Releases what this process holds of the store (files, connections, threads of its own) and
   * forgets this instance: opening the location again gives a new one. Its blocks are unusable after.
   */
  @Override
  void close();
}
