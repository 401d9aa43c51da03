package io.memokit.expr;

/** Re-throws a checked exception from a lazy computation as it is. */
final class Rethrow {

  private Rethrow() {}

  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException as(Throwable t) throws T {
    throw (T) t;
  }
}
