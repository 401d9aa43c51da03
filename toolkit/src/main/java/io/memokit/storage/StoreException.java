package io.memokit.storage;

/**
 * A store that cannot be opened or used as asked. Its message names the store, what is wrong and
 * what to do; the API reports it to the user as it is.
 */
public final class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
