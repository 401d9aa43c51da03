package io.memokit.cli;

import io.memokit.Memo;
import io.memokit.MemoStore;
import io.memokit.storage.Backends;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Opens the store a command names, only if it is one: every command works on an existing store,
 * so a mistyped path is refused, never created, and a database without memokit's schema is left
 * without one. A directory's path is read as the library reads it (a leading {@code ~} is the
 * user's home; a path that is a file, or lies under one, is refused in words). A database's URL is
 * shown with its password masked.
 */
final class Stores {

  private Stores() {}

  static MemoStore existing(String path) {
    if (Backends.isUrl(path)) return database(path);
    Path dir;
    try {
      dir = Backends.directory(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CliError.usage("not a path: " + path);
    } catch (IllegalArgumentException e) { // ~user
      throw CliError.usage(e.getMessage());
    }
    if (!Backends.holdsStore(dir.toString())) {
      throw CliError.failure(Files.isDirectory(dir) ? dir + " is not a memokit store: it has no memokit.store file"
          : "no store at " + dir + ": there is no such directory");
    }
    return Memo.store(dir);
  }

  private static MemoStore database(String url) {
    boolean holds;
    try {
      holds = Backends.holdsStore(url);
    } catch (IllegalArgumentException unknownScheme) {
      throw CliError.usage("not a store: " + unknownScheme.getMessage().substring("store ".length()));
    }
    if (!holds) {
      throw CliError.failure("no store in " + Backends.shown(url) + ": the database has no schema memokit (a program's "
          + "first store(URL) creates it)");
    }
    return Memo.store(url);
  }
}
