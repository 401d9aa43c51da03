package io.memokit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * One command of the command line: its name, arguments and options, its help, and what it does.
 *
 * @param name    the word that selects it
 * @param params  its arguments' names, in order ({@code STORE}, {@code BLOCK}, ...), all required;
 *                {@link Help} says what each is
 * @param options the options it accepts ({@code --yes}), all optional, each with a line of help
 * @param help    one sentence saying what it prints or does
 * @param example a whole command line using it, as a user types it in a shell
 * @param action  the command itself; returns the exit status
 */
record Command(String name, List<String> params, List<Option> options, String help, String example, Action action) {

  /** An option ({@code --fix}) and what it changes. */
  record Option(String name, String help) {}

  /** What a command does with its checked arguments; prints to {@code out}. */
  interface Action {
    int run(Args args, PrintStream out) throws IOException;
  }

  /** Whether {@code --flag} is one of its options. */
  boolean accepts(String flag) {
    return options.stream().anyMatch(o -> o.name().equals(flag));
  }

  /** {@code name PARAM... [--flag]...}, as the usage text shows it. */
  String synopsis() {
    StringBuilder sb = new StringBuilder(name);
    params.forEach(p -> sb.append(' ').append(p));
    options.forEach(o -> sb.append(" [").append(o.name()).append(']'));
    return sb.toString();
  }
}
