package io.memokit;

/**
 * A snapshot of one block: the cells of one function at one version and arity, as every process
 * sees them. Counts are cumulative since the block was created; {@code size} counts finished and
 * in-progress cells; {@code bytes} is the total size of the finished cells' files.
 *
 * @param name     the function's name
 * @param version  its version, {@code ""} when it has none
 * @param arity    its number of arguments
 * @param hits     calls answered from a stored cell
 * @param misses   calls that computed a new cell
 * @param maxsize  the most cells kept; beyond it the least recently hit finished cells are evicted
 * @param size     cells present now
 * @param errors   cells holding a stored exception
 * @param pending  cells being computed now
 * @param bytes    bytes on disk of the finished cells
 */
public record BlockInfo(String name, String version, int arity, long hits, long misses, int maxsize, int size,
                        int errors, int pending, long bytes) {

  /** {@code name{version}(arity)}, or {@code name(arity)} when unversioned, as in the trace. */
  public String label() {
    return version.isEmpty() ? name + "(" + arity + ")" : name + "{" + version + "}(" + arity + ")";
  }

  @Override
  public String toString() {
    return label() + " hits=" + hits + " misses=" + misses + " size=" + size + "/" + maxsize
        + (errors > 0 ? " errors=" + errors : "") + (pending > 0 ? " pending=" + pending : "") + " bytes=" + bytes;
  }
}
