package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.file.Path;

/** A store file written by a newer memokit, whose format this one cannot read. */
final class NewerFormatException extends IOException {

  NewerFormatException(Path file, int found, int supported) {
    super(file + " was written by a newer memokit (format " + found + "); this memokit reads formats up to "
        + supported + ": upgrade memokit, or use another store");
  }
}
