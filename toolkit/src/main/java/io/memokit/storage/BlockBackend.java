package io.memokit.storage;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The cells of one function identity in a store, as the cell lifecycle uses them: read a finished
 * cell, record a hit, claim a cell to compute it, see who computes one, and manage the block. Every
 * method is safe to call from any thread of any process at any time.
 */
public interface BlockBackend {

  FunctionId id();

  /**
   * The finished cell of {@code key}, verified whole (checksum and key), or {@code null} if there is
   * none. A damaged cell is reported, removed from the block and answered as absent, never returned.
   */
  StoredCell read(CellKey key);

  /**
   * Records a hit on a cell just {@linkplain #read read} (at this time, for recency), and returns
   * what lets this process answer the next hits from memory; {@code null} if the cell cannot be
   * remembered (it was removed meanwhile).
   */
  Presence hit(CellKey key, StoredCell cell);

  /**
   * Claims {@code key}'s cell for computing, or returns {@code null} if another thread or process
   * holds the claim. A claim is released by {@link Claim#close}, or by the backend when its process dies.
   */
  Claim tryClaim(CellKey key) throws IOException;

  /**
   * As {@link #tryClaim}, for a caller that computes the cell unless the claim finds it stored
   * ({@link Claim#stored}): the backend may then start the computation in the claim's own round trip
   * to its server, and {@link Claim#start} returns what it started; a claim closed unstarted gives
   * that start up ({@link Claim#abandon}). A caller that may not compute (cache-only) uses tryClaim.
   */
  default Claim tryClaimToCompute(CellKey key) throws IOException {
    return tryClaim(key);
  }

  /**
   * What {@link #readOrClaimToCompute} found: the key's finished cell and no claim, or no cell and
   * the claim to compute it, or neither (another thread or process holds the claim).
   */
  record Lookup(StoredCell stored, Claim claim) {}

  /**
   * Reads {@code key}'s finished cell as {@link #read} does or, finding none, claims the cell as
   * {@link #tryClaimToCompute} does; a backend may do both in one round trip to its server.
   */
  default Lookup readOrClaimToCompute(CellKey key) throws IOException {
    StoredCell stored = read(key);
    return stored != null ? new Lookup(stored, null) : new Lookup(null, tryClaimToCompute(key));
  }

  /**
   * Who computes {@code key}'s cell, as the block records it; {@code null} if no computation is
   * visible (none yet, or finished). Only a failed {@link #tryClaim} says that someone computes it.
   */
  CellHolder holder(CellKey key);

  /** Hits, misses, maxsize and what the block holds; includes the hits of {@link #beforeStatistics}. */
  BlockStatus status();

  /**
   * Writes the hits this backend queued: a backend may queue those {@link Presence#publishHits} and
   * {@link #hit} give it, to write them in one go here. A {@code periodic} round (every 100 ms while
   * a process hits) may leave them for a later one (a server's backend writes at most every
   * second); otherwise (statistics, an eviction, the JVM's exit) everything queued is written before
   * this returns. Returns whether hits are still queued: the caller then comes back on its next round.
   */
  default boolean flushHits(boolean periodic) {
    return false;
  }

  /** Whether the block holds no cell, finished or in progress: cheaper than {@link #status} where a backend can say so. */
  default boolean isEmpty() {
    return status().size() == 0;
  }

  /** The block's cells, with their statistics (never their values). */
  default List<CellStatus> cells() {
    return cells(false);
  }

  /**
   * The block's cells, with their statistics and, when {@code details}, each finished cell's
   * arguments in words and provenance (read from each cell's record: slower, for listings a user
   * reads), never their values.
   */
  List<CellStatus> cells(boolean details);

  /**
   * When the block was last used: its latest cell's last hit or creation, in epoch milliseconds;
   * 0 for a block without cells.
   */
  default long lastUsedMillis() throws IOException {
    long last = 0;
    for (CellStatus c : cells()) last = Math.max(last, Math.max(c.createdMillis(), c.lastHitMillis()));
    return last;
  }

  /** Removes every cell (a process computing one then finds it lost). Returns the finished cells removed. */
  int clear() throws IOException;

  /** Removes the cells holding a stored exception. Returns how many. */
  int clearErrors() throws IOException;

  /**
   * Removes {@code key}'s finished cell, if there is one, as an eviction would: every process's
   * memory of it is invalid from then on. A cell being computed is left to finish. Returns whether
   * a cell was removed.
   */
  boolean remove(CellKey key) throws IOException;

  /**
   * Removes the finished cells of these numbers that the block holds, each as {@link #remove} would
   * (every process's memory of it invalid from then on), in one step; a number of a cell being
   * computed, or of no cell of the block, is passed over. Returns how many were removed.
   */
  int removeCells(Set<Long> cellIds) throws IOException;

  /** Sets the block's maxsize (1 or more: the caller checks it), evicting the least recently hit cells beyond it. Returns how many. */
  int resize(int maxsize) throws IOException;

  int maxsize();

  /**
   * Registers what publishes the hits this process counted in memory; the backend runs it before it
   * reports statistics or evicts, so that they include them.
   */
  void beforeStatistics(Runnable publishHits);

  /**
   * Whether {@code fault}, thrown in a thread that called this backend, is this backend's own fault
   * reported late by the JVM (a memory-mapped file truncated under the process surfaces as an
   * {@link InternalError} after the read that caused it, possibly in the caller's code), now
   * repaired: the caller forgets what it remembers of the block and retries once.
   */
  boolean repairedAfter(Throwable fault);
}
