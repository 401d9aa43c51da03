package io.memokit.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The command line's log output: memokit's warnings only, one line each ({@code memokit: ...}),
 * without date, class or stack trace. Left alone when the user configures java.util.logging.
 */
final class CliLogging {

  private CliLogging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
    Logger.getLogger("").setLevel(Level.WARNING);
  }
}
