package io.memokit.cli;

import io.memokit.Memo;
import io.memokit.storage.Backends;
import io.memokit.storage.StoreSettings;
import io.memokit.storage.directory.DirectoryBackend;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Opens the store a command names, only if it is one: every command works on an existing store,
 * so a mistyped path is refused, never created.
 */
final class Stores {

  private Stores() {}

  static CliStore existing(String path) {
    Path dir;
    try {
      dir = Path.of(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CliError.usage("not a path: " + path);
    }
    if (!Files.exists(dir)) throw CliError.failure("no store at " + dir + ": there is no such directory");
    if (!Files.isDirectory(dir)) throw CliError.failure(dir + " is a file, not a store");
    if (!DirectoryBackend.holdsStore(dir)) {
      throw CliError.failure(dir + " is not a memokit store: it has no memokit.store file");
    }
    return new CliStore(Memo.store(dir), Backends.open(dir.toString(), StoreSettings.defaults()));
  }
}
