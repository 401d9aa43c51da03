package io.memokit.codec;

import java.io.ObjectInputFilter;

/**
 * The bounds a Java-serialization reader keeps within one stored value, whoever wrote its bytes: no
 * array longer than the value's stored size (each element takes at least a byte), no nesting
 * deeper than memokit's own format allows ({@link ValueFormat#MAX_DEPTH}), so that a crafted value
 * can neither make a reader allocate beyond what is stored nor exhaust its thread's stack. One per
 * stream: it remembers whether it refused, so that the refusal is said as what it was.
 */
final class Limits {

  private final long storedBytes;
  private boolean exceeded;

  /** The bounds of a stream of {@code storedBytes} bytes. */
  Limits(long storedBytes) {
    this.storedBytes = storedBytes;
  }

  /** Whether what {@code info} describes goes beyond the bounds (remembered for {@link #named}). */
  boolean exceeded(ObjectInputFilter.FilterInfo info) {
    if (info.arrayLength() > storedBytes || info.depth() > ValueFormat.MAX_DEPTH) exceeded = true;
    return exceeded;
  }

  /**
   * What the stream's refusal {@code e} means: the class its filter refused, by name
   * ({@code refused}), else, if these bounds refused, a corrupted value; {@code e} itself otherwise
   * (a refusal of the JVM's own filter, say).
   */
  java.io.IOException named(java.io.InvalidClassException e, Class<?> refused) {
    if (refused != null) {
      java.io.InvalidClassException named = new java.io.InvalidClassException(refused.getName(),
          "not in this store's allowed classes");
      named.initCause(e);
      return named;
    }
    if (exceeded) {
      return new java.io.StreamCorruptedException("a stored value is corrupted: it claims an array longer than its "
          + "stored bytes, or nesting deeper than " + ValueFormat.MAX_DEPTH + " levels");
    }
    return e;
  }
}
