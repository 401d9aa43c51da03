package io.memokit.storage;

import io.memokit.storage.directory.DirectoryBackend;
import io.memokit.storage.postgres.PostgresBackend;
import java.nio.file.Path;

/**
 * Opens a store's backend by its location: a directory path gives the directory backend (the
 * embedded default); a URL names another backend by its scheme ({@code jdbc:postgresql:}: a
 * PostgreSQL database).
 */
public final class Backends {

  private Backends() {}

  /** Whether {@code location} is a URL (a database), not a directory. */
  public static boolean isUrl(String location) {
    return location.startsWith("jdbc:");
  }

  /** The backend at {@code location}, opened (created if needed) with {@code settings}. */
  public static StoreBackend open(String location, StoreSettings settings) {
    if (location.startsWith(PostgresBackend.SCHEME)) return PostgresBackend.open(location, settings);
    return DirectoryBackend.open(directory(location), settings);
  }

  /**
   * The directory a location that is not a URL names, read as a shell would: a leading {@code ~} or
   * {@code ~/} is the user's home (system property {@code user.home}); {@code ~user/...} is refused
   * ({@link IllegalArgumentException}).
   */
  public static Path directory(String location) {
    refuseUnknownUrl(location);
    return DirectoryBackend.path(location);
  }

  /**
   * Whether a store exists at {@code location}, read without creating or changing anything: a
   * directory holding a store's marker, or a database holding memokit's schema. A directory path
   * that is a file, or lies under one, is refused in words.
   */
  public static boolean holdsStore(String location) {
    if (location.startsWith(PostgresBackend.SCHEME)) return PostgresBackend.holdsStore(location);
    return DirectoryBackend.holdsStore(directory(location));
  }

  /** {@code location} as messages show it: a URL with its password masked ({@code password=***}). */
  public static String shown(String location) {
    return isUrl(location) ? PostgresBackend.redact(location) : location;
  }

  private static void refuseUnknownUrl(String location) {
    if (!isUrl(location) || location.startsWith(PostgresBackend.SCHEME)) return;
    String scheme = location.substring(0, location.indexOf(':', 5) < 0 ? location.length() : location.indexOf(':', 5) + 1);
    throw new IllegalArgumentException("store " + shown(location) + ": no backend for " + scheme
        + " URLs in this version of memokit (stores are directories, or PostgreSQL databases: "
        + PostgresBackend.SCHEME + "//HOST:PORT/DATABASE?user=...)");
  }
}
