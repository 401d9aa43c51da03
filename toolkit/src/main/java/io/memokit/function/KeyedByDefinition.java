package io.memokit.function;

/**
 * A value whose cache key is its definition rather than its content: expressions and chains.
 * Encoding it must not evaluate it.
 */
public interface KeyedByDefinition {

  /** Writes this value's definition with {@code out}, recursively through {@link KeyWriter#write}. */
  void writeKey(KeyWriter out);
}
