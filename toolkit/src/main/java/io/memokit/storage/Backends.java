package io.memokit.storage;

import io.memokit.storage.directory.DirectoryBackend;
import java.nio.file.Path;

/**
 * Opens a store's backend by its location: a directory path gives the directory backend (the
 * embedded default); a URL names another backend by its scheme.
 */
public final class Backends {

  private Backends() {}

  /** The backend at {@code location}, opened (created if needed) with {@code settings}. */
  public static StoreBackend open(String location, StoreSettings settings) {
    if (location.startsWith("jdbc:")) {
      throw new IllegalArgumentException("store " + location + ": no backend for this URL in this version of memokit "
          + "(stores are directories)");
    }
    return DirectoryBackend.open(Path.of(location), settings);
  }
}
