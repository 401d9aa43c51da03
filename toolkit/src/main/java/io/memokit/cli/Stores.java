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
 * without one. A database's URL is shown with its password masked.
 */
final class Stores {

  private Stores() {}

  static MemoStore existing(String path) {
    if (Backends.isUrl(path)) return database(path);
    Path dir;
    try {
      dir = Path.of(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CliError.usage("not a path: " + path);
    }
    if (!Files.exists(dir)) throw CliError.failure("no store at " + dir + ": there is no such directory");
    if (!Files.isDirectory(dir)) throw CliError.failure(dir + " is a file, not a store");
    if (!Backends.holdsStore(dir.toString())) {
      throw CliError.failure(dir + " is not a memokit store: it has no memokit.store file");
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
