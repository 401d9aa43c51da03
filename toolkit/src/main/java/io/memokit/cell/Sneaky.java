package io.memokit.cell;

/** Re-throws a stored exception as it is, checked or not: memoized functions behave like the originals. */
final class Sneaky {

  private Sneaky() {}

  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException rethrow(Throwable t) throws T {
    throw (T) t;
  }
}
