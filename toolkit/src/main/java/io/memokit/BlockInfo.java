package io.memokit;

/**
 * A snapshot of one block: the cells of one function at one version (or, unversioned, one code
 * fingerprint) and arity, as every process sees them. Counts are cumulative since the block was
 * created; {@code size} counts finished and in-progress cells; {@code bytes} is the total size of the
 * finished cells' files.
 *
 * @param name     the function's name
 * @param version  its version, {@code ""} when it has none
 * @param code     the fingerprint of its code, {@code ""} when versioned or when its code could not be read
 * @param arity    its number of arguments
 * @param hits     calls answered from a stored cell
 * @param misses   calls that computed a new cell
 * @param maxsize  the most cells kept; beyond it the least recently hit finished cells are evicted
 * @param size     cells present now
 * @param errors   cells holding a stored exception
 * @param pending  cells being computed now
 * @param bytes    bytes on disk of the finished cells
 * @param keyedBy  what decides whether a cell is still valid: {@code version 3}, {@code code 3fa2...},
 *                 or {@code name only} with the reason when known
 */
public record BlockInfo(String name, String version, String code, int arity, long hits, long misses, int maxsize,
                        int size, int errors, int pending, long bytes, String keyedBy) {

  /** What decides a block's validity, from its identity alone (no reason known for a name-only block). */
  public static String keyedBy(String version, String code) {
    if (!version.isEmpty()) return "version " + version;
    return code.isEmpty() ? "name only" : "code " + code;
  }

  /** {@code name{version}(arity)}, or {@code name(arity)} when unversioned, as in the trace. */
  public String label() {
    return version.isEmpty() ? name + "(" + arity + ")" : name + "{" + version + "}(" + arity + ")";
  }

  /** The label, followed by {@code #code} for a block of fingerprinted code: how the command line names it. */
  public String blockName() {
    return new io.memokit.function.FunctionId(name, version, code, arity).blockName();
  }

  /** This snapshot with {@code keyedBy} said by the process that defines the function (with its reasons). */
  public BlockInfo withKeyedBy(String text) {
    return new BlockInfo(name, version, code, arity, hits, misses, maxsize, size, errors, pending, bytes, text);
  }

  @Override
  public String toString() {
    // The words of the tables (io.memokit.display.Vocabulary).
    return blockName() + " hits=" + hits + " misses=" + misses + " cells=" + size + " maxsize=" + maxsize
        + " errors=" + errors + " computing=" + pending + " bytes=" + io.memokit.display.Vocabulary.bytes(bytes)
        + ", keyed by " + keyedBy;
  }
}
