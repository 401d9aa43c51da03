package io.memokit.codec;

import java.io.ObjectInputFilter;

/**
 * The bounds Java serialization's readers keep within a stored value, whoever wrote its bytes: no
 * array longer than the value's stored size (each element takes at least a byte), no nesting
 * deeper than memokit's own format allows ({@link ValueFormat#MAX_DEPTH}), so that a crafted value
 * can neither make a reader allocate beyond what is stored nor exhaust its thread's stack.
 */
final class Limits {

  private Limits() {}

  /**
   * What a Java-serialization reader's refusal {@code e} means: the class its filter refused, by
   * name ({@code refused}), else a value beyond the bounds, said as corrupted; {@code e} itself when
   * the filter refused nothing.
   */
  static java.io.IOException named(java.io.InvalidClassException e, Class<?> refused) {
    if (refused != null) {
      java.io.InvalidClassException named = new java.io.InvalidClassException(refused.getName(),
          "not in this store's allowed classes");
      named.initCause(e);
      return named;
    }
    if (String.valueOf(e.getMessage()).contains("REJECTED")) {
      return new java.io.StreamCorruptedException("a stored value is corrupted: it claims an array longer than its "
          + "stored bytes, or nesting deeper than " + ValueFormat.MAX_DEPTH + " levels");
    }
    return e;
  }

  /** Whether what {@code info} describes, in a stream of {@code storedBytes} bytes, goes beyond the bounds. */
  static boolean exceeded(ObjectInputFilter.FilterInfo info, long storedBytes) {
    return info.arrayLength() > storedBytes || info.depth() > ValueFormat.MAX_DEPTH;
  }
}
