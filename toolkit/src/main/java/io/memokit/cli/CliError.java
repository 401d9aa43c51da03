package io.memokit.cli;

/**
 * Why a command did not run: a wrong command line (exit status 2) or a failure (exit status 1).
 * {@link Main} prints it as one line, {@code memokit: MESSAGE}, never as a stack trace.
 */
final class CliError extends RuntimeException {

  static final int USAGE = 2;
  static final int FAILURE = 1;

  private final int exitStatus;

  private CliError(int exitStatus, String message) {
    super(message, null, false, false);
    this.exitStatus = exitStatus;
  }

  /** The command line is wrong: unknown command or option, a missing or extra argument. */
  static CliError usage(String message) {
    return new CliError(USAGE, message);
  }

  /** The command line is right but the command cannot do it: no such store or block, an I/O error. */
  static CliError failure(String message) {
    return new CliError(FAILURE, message);
  }

  int exitStatus() {
    return exitStatus;
  }
}
