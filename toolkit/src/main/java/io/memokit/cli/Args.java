package io.memokit.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The words after a command, checked against its synopsis: exactly its arguments, and only its flags. */
final class Args {

  private final List<String> values;
  private final Set<String> flags;

  private Args(List<String> values, Set<String> flags) {
    this.values = values;
    this.flags = flags;
  }

  /** Splits {@code words} (the command line without the command) into arguments and flags ({@code --x}). */
  static Args parse(Command command, List<String> words) {
    List<String> values = new ArrayList<>();
    Set<String> flags = new HashSet<>();
    for (String w : words) {
      if (w.startsWith("--")) {
        if (!command.accepts(w)) {
          throw CliError.usage(command.name() + ": unknown option " + w + " (usage: " + command.synopsis() + ")");
        }
        flags.add(w);
      } else {
        values.add(w);
      }
    }
    int expected = command.params().size();
    if (values.size() < expected) {
      throw CliError.usage(command.name() + ": missing " + command.params().get(values.size()) + " (usage: "
          + command.synopsis() + ")");
    }
    if (values.size() > expected) {
      throw CliError.usage(command.name() + ": unexpected argument " + values.get(expected) + " (usage: "
          + command.synopsis() + ")");
    }
    return new Args(values, flags);
  }

  /** The {@code i}-th argument (0 is the first after the command). */
  String get(int i) {
    return values.get(i);
  }

  boolean has(String flag) {
    return flags.contains(flag);
  }
}
