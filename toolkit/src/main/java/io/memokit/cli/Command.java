package io.memokit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * One command of the command line: its name, arguments and flags, a line of help, and what it does.
 *
 * @param name   the word that selects it
 * @param params its arguments' names, in order ({@code STORE}, {@code BLOCK}, ...), all required
 * @param flags  the options it accepts ({@code --yes}), all optional
 * @param help   one line saying what it prints or does
 * @param action the command itself; returns the exit status
 */
record Command(String name, List<String> params, List<String> flags, String help, Action action) {

  /** What a command does with its checked arguments; prints to {@code out}. */
  interface Action {
    int run(Args args, PrintStream out) throws IOException;
  }

  /** {@code name PARAM... [--flag]...}, as the usage text shows it. */
  String synopsis() {
    StringBuilder sb = new StringBuilder(name);
    params.forEach(p -> sb.append(' ').append(p));
    flags.forEach(f -> sb.append(" [").append(f).append(']'));
    return sb.toString();
  }
}
