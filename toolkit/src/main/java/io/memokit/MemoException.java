package io.memokit;

/**
 * A problem with a store or a cached call that is not the function's own exception: a store that
 * cannot be opened or written, a cache-only miss, a call that would wait for itself. The message
 * names the path, function or argument concerned. Exceptions thrown by a memoized function are
 * never wrapped in it: they are stored and re-thrown as they are.
 */
public class MemoException extends RuntimeException {

  public MemoException(String message) {
    super(message);
  }

  public MemoException(String message, Throwable cause) {
    super(message, cause);
  }
}
