package io.memokit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * One command of the command line: its name, arguments and options, its help, and what it does.
 *
 * @param name    the word that selects it
 * @param params  its arguments' names, in order ({@code STORE}, {@code BLOCK}, ...), each required
 *                but a last one in brackets ({@code [BLOCK]}); {@link Help} says what each is
 * @param options the options it accepts ({@code --yes}, {@code --host HOST}), all optional, each with
 *                a line of help
 * @param help    one sentence saying what it prints or does
 * @param example a whole command line using it, as a user types it in a shell
 * @param action  the command itself; returns the exit status
 */
record Command(String name, List<String> params, List<Option> options, String help, String example, Action action) {

  /**
   * An option and what it changes: a flag ({@code --fix}), or one followed by its value
   * ({@code --host HOST}: {@code value} names it; {@code null} for a flag).
   */
  record Option(String name, String value, String help) {

    /** A flag. */
    Option(String name, String help) {
      this(name, null, help);
    }

    /** {@code --fix}, {@code --host HOST}. */
    String usage() {
      return value == null ? name : name + " " + value;
    }
  }

  /** What a command does with its checked arguments; prints to {@code out}. */
  interface Action {
    int run(Args args, PrintStream out) throws IOException;
  }

  /** Its option named {@code word} ({@code --fix}), or {@code null} if it has none of that name. */
  Option option(String word) {
    return options.stream().filter(o -> o.name().equals(word)).findFirst().orElse(null);
  }

  /** How many of its arguments are required: all but a last one in brackets. */
  int required() {
    return (int) params.stream().filter(p -> !p.startsWith("[")).count();
  }

  /** An argument's name without the brackets of an optional one: {@code BLOCK} for {@code [BLOCK]}. */
  static String bare(String param) {
    return param.startsWith("[") ? param.substring(1, param.length() - 1) : param;
  }

  /** {@code name PARAM... [--flag]... [--option VALUE]...}, as the usage text shows it. */
  String synopsis() {
    return String.join(" ", synopsisParts());
  }

  /** The parts of the {@link #synopsis}, each kept whole when a usage line is wrapped. */
  List<String> synopsisParts() {
    List<String> parts = new java.util.ArrayList<>(List.of(name));
    parts.addAll(params);
    options.forEach(o -> parts.add("[" + o.usage() + "]"));
    return parts;
  }
}
