package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.file.Path;

/** A store file whose content is not valid: detected, logged, and never returned as a value. */
class CorruptFileException extends IOException {

  CorruptFileException(Path file, String what) {
    super(file + ": " + what);
  }
}
