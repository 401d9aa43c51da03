package io.memokit.storage;

/**
 * A block's statistics, as its backend records them for every process.
 *
 * @param hits      hits, in every process
 * @param misses    cells computed (misses and takeovers)
 * @param maxsize   the most finished cells the block keeps
 * @param size      cells in the block (finished and being computed)
 * @param errors    cells holding a stored exception
 * @param computing cells being computed
 * @param bytes     bytes of the finished cells
 */
public record BlockStatus(long hits, long misses, int maxsize, int size, int errors, int computing, long bytes) {}
