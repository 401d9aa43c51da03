package io.memokit.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words after a command, checked against its synopsis: its required arguments (and its
 * optional last one), and only its options, each option that takes a value followed by one.
 */
final class Args {

  private final List<String> values;
  private final Set<String> flags;
  private final Map<String, String> options;

  private Args(List<String> values, Set<String> flags, Map<String, String> options) {
    this.values = values;
    this.flags = flags;
    this.options = options;
  }

  /**
   * Splits {@code words} (the command line without the command) into arguments, flags ({@code --x})
   * and options with their values ({@code --host host-a}).
   */
  static Args parse(Command command, List<String> words) {
    List<String> values = new ArrayList<>();
    Set<String> flags = new HashSet<>();
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (!w.startsWith("--")) {
        values.add(w);
        continue;
      }
      Command.Option o = command.option(w);
      if (o == null) throw wrong(command, "unknown option " + w);
      if (o.value() == null) {
        flags.add(w);
        continue;
      }
      String value = i + 1 < words.size() && !words.get(i + 1).startsWith("--") ? words.get(++i) : null;
      if (value == null) throw wrong(command, w + " needs a value: " + o.usage());
      if (value.isBlank()) throw wrong(command, w + " is empty: give " + o.usage());
      if (options.put(w, value) != null) throw wrong(command, w + " is given twice");
    }
    if (values.size() < command.required()) throw wrong(command, "missing " + command.params().get(values.size()));
    if (values.size() > command.params().size()) {
      throw wrong(command, "unexpected argument " + values.get(command.params().size()));
    }
    return new Args(values, flags, options);
  }

  private static CliError wrong(Command command, String what) {
    return CliError.usage(command.name() + ": " + what + " (usage: " + command.synopsis() + ")");
  }

  /** The {@code i}-th argument (0 is the first after the command). */
  String get(int i) {
    return values.get(i);
  }

  /** How many arguments were given (an optional last one may be missing). */
  int count() {
    return values.size();
  }

  boolean has(String flag) {
    return flags.contains(flag);
  }

  /** The value given to option {@code name} ({@code --host}), or {@code null} if it was not given. */
  String value(String name) {
    return options.get(name);
  }
}
