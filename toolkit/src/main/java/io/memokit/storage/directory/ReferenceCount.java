package io.memokit.storage.directory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of the references to a resource that must be freed exactly once, after its last use:
 * its owner holds the first reference, each use takes one ({@link #tryRetain}) and gives it back
 * ({@link #release}), and the release that brings the count to zero frees the resource. Zero is
 * final: a use that has not retained by then gets {@code false} and never touches the resource.
 *
 * <p>The decision to free and the count it rests on are one atomic step: a release frees only if
 * its own decrement reached zero, and a retain succeeds only if it raised a count that was not
 * zero. A flag read apart from the count ("retired, and I was the last reader out") can act on a
 * zero that a new use has since left behind, and free the resource under it.
 */
final class ReferenceCount {

  private final AtomicInteger references = new AtomicInteger(1);
  private final Runnable free;

  /** A count holding the owner's reference; {@code free} runs once, at the last release. */
  ReferenceCount(Runnable free) {
    this.free = free;
  }

  /** Takes a reference, or answers {@code false} if the resource is freed or being freed. */
  boolean tryRetain() {
    for (int n = references.get(); n > 0; n = references.get()) {
      if (references.compareAndSet(n, n + 1)) return true;
    }
    return false;
  }

  /** Gives back a reference (the owner's, once, or one {@link #tryRetain} took). */
  void release() {
    int left = references.decrementAndGet();
    if (left == 0) {
      free.run();
    } else if (left < 0) {
      throw new IllegalStateException("released more references than were taken");
    }
  }
}
