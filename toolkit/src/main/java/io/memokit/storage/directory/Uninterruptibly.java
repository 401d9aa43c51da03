package io.memokit.storage.directory;

import java.io.IOException;

/**
 * Runs file-channel operations with the thread's interrupt flag cleared, then restores it.
 * An interrupted thread that touches a {@link java.nio.channels.FileChannel} closes it, and
 * closing a channel drops every lock this process holds on that file: a notebook's "interrupt"
 * button must not silently release the locks of other threads.
 */
final class Uninterruptibly {

  interface IoAction<T> {
    T run() throws IOException;
  }

  private Uninterruptibly() {}

  static <T> T call(IoAction<T> action) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      return action.run();
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
