package io.memokit.storage.directory;

import io.memokit.storage.StoreBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A directory store's byte limit, kept in its counters file: when the store's cells take more, the
 * least recently hit finished cells of any block are evicted until they take
 * {@value StoreBackend#LIMIT_MARGIN} of it. The bytes of the cells are the sum of the blocks' own
 * counts (each index counts its finished cells), never a store-wide counter that a block removed by
 * hand or rebuilt would leave wrong. Each block is visited under its own admin lock, one at a time
 * (never two at once), and a cell is evicted only if its slot still holds it.
 */
final class StoreByteLimit {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  /** How long this process trusts its list of the store's blocks when it sums their bytes. */
  private static final long BLOCK_LIST_NANOS = 1_000_000_000L;

  private final Path root;
  private final StoreCounters counters;
  private final Supplier<List<DirectoryBlock>> blocks;
  private final LongSupplier ticker;
  private final Object enforcing = new Object();
  private volatile List<DirectoryBlock> knownBlocks = List.of();
  private volatile long knownBlocksAt;

  StoreByteLimit(Path root, StoreCounters counters, Supplier<List<DirectoryBlock>> blocks, LongSupplier ticker) {
    this.root = root;
    this.counters = counters;
    this.blocks = blocks;
    this.ticker = ticker;
  }

  /** The blocks of the store, listed at most once a second (blocks other processes create show up within it). */
  private List<DirectoryBlock> recentBlocks() {
    long now = ticker.getAsLong();
    if (knownBlocksAt == 0 || now - knownBlocksAt > BLOCK_LIST_NANOS) {
      knownBlocks = blocks.get();
      knownBlocksAt = now;
    }
    return knownBlocks;
  }

  /** The bytes of every block's finished cells, as their indexes count them. */
  private long cellBytes() {
    long total = 0;
    for (DirectoryBlock b : recentBlocks()) total += b.indexedBytes();
    return total;
  }

  /** Evicts if the store is over its limit; returns how many cells were evicted (0 after a logged failure). */
  int enforce() {
    try {
      return enforceOnce();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot keep store " + root + " under its byte limit: " + e);
      return 0;
    }
  }

  private int enforceOnce() {
    long limit = counters.byteLimit();
    if (limit == 0 || cellBytes() <= limit) return 0;
    synchronized (enforcing) {
      List<DirectoryBlock> all = blocks.get();
      knownBlocks = all;
      knownBlocksAt = ticker.getAsLong();
      List<BlockAdmin.Candidate> candidates = new ArrayList<>();
      long total = 0;
      for (DirectoryBlock b : all) total += b.evictionCandidates(candidates);
      if (total <= limit) return 0;
      candidates.sort(Comparator.comparingLong(BlockAdmin.Candidate::lastHit));
      long target = (long) (limit * StoreBackend.LIMIT_MARGIN);
      int evicted = 0;
      for (BlockAdmin.Candidate c : candidates) {
        if (total <= target) break;
        long freed = c.block().evictIfStillHeld(c);
        if (freed > 0) {
          total -= freed;
          evicted++;
        }
      }
      if (evicted > 0) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: store " + root + " passed its limit of " + limit + " bytes; "
            + "evicted the " + evicted + " least recently hit cells");
      }
      return evicted;
    }
  }
}
