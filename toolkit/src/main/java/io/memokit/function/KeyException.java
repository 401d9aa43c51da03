package io.memokit.function;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An argument that cannot be part of a cache key. The message names the argument position, the
 * path inside it and the offending type, so the user sees exactly what to change.
 */
public final class KeyException extends IllegalArgumentException {

  private final String reason;
  private final Deque<String> path = new ArrayDeque<>();

  KeyException(String reason) {
    super(reason);
    this.reason = reason;
  }

  /** Prepends a path segment while the exception unwinds from the offending value. */
  KeyException at(String segment) {
    path.addFirst(segment);
    return this;
  }

  private Class<?> refusedType;

  /** Marks this as the refusal of {@code type} as such (not of one value of it, nor of a part). */
  KeyException ofType(Class<?> type) {
    refusedType = type;
    return this;
  }

  /** The class refused as such, whatever its value, or null. */
  Class<?> refusedType() {
    return refusedType;
  }

  public String reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    return path.isEmpty() ? reason : "at " + String.join("", path) + ": " + reason;
  }
}
