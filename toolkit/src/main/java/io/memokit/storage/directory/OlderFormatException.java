package io.memokit.storage.directory;

import java.nio.file.Path;

/**
 * A block index written by an earlier memokit: rebuilt from the block's records (its statistics
 * restart), which an earlier memokit's files always allow.
 */
final class OlderFormatException extends CorruptFileException {

  OlderFormatException(Path file, int found, int current) {
    super(file, "index of format " + found + ", written by an earlier memokit (this one writes format " + current + ")");
  }
}
