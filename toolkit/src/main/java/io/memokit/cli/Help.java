package io.memokit.cli;

import java.util.List;
import java.util.Map;

/**
 * The help texts: the overview ({@code --help}: every command in a line, and what the arguments
 * are) and a command's own ({@code COMMAND --help}: its usage, arguments, options and an example).
 * Every line fits in {@link #WIDTH} columns.
 */
final class Help {

  /** The widest a help line may be, in columns. */
  static final int WIDTH = 100;

  static final String PROGRAM = "java -jar memokit.jar";

  private static final String STORE = "a store's directory (it holds a memokit.store file; a leading ~ is your home, "
      + "~user is refused), or a PostgreSQL database's JDBC URL, jdbc:postgresql://HOST:PORT/DB?user=USER (quote it "
      + "in a shell; a password in the URL is never shown; ~/.pgpass spares it). A path that is not a store is "
      + "refused, never created.";
  private static final String BLOCK = "a block as 'blocks' prints it (sq(1)#3fa2c1d0e5b6a7f8, g{3}(2)), or sq(1), sq "
      + "or g{3} when only one block has that name. Quote a name holding ( in a shell: 'sq(1)' (unquoted, the "
      + "shell stops at the parenthesis).";

  /** What each argument a command takes is. */
  private static final Map<String, String> ARGUMENTS = Map.of(
      "STORE", STORE,
      "BLOCK", BLOCK,
      "SIZE", Units.RULE + ". 0: no limit.",
      "N", "a whole number of cells, 1 or more.",
      "DAYS", "a whole number of days, 0 or more.");

  private static final String HELP_OPTION = "--help, -h";
  private static final String EXIT = "Exit status: 0 done, 1 failed, 2 wrong command line (an error is one line, "
      + "'memokit: ...').";

  private Help() {}

  /** {@code --help}: the usage, each command with its line of help, and what the arguments are. */
  static String overview(List<Command> commands) {
    StringBuilder sb = new StringBuilder("usage: " + PROGRAM + " COMMAND [ARGUMENTS]\n");
    wrap(sb, "       " + PROGRAM + " COMMAND --help", 45, "(or -h): its arguments, options and an example");
    for (Command c : commands) wrap(sb, "  " + c.synopsis(), 29, c.help());
    wrap(sb, "  --version", 29, "memokit's version");
    wrap(sb, "  " + HELP_OPTION, 29, "this text");
    for (String argument : List.of("STORE", "BLOCK", "SIZE")) wrap(sb, argument, 7, ARGUMENTS.get(argument));
    wrap(sb, "", 0, EXIT);
    return sb.toString();
  }

  /** {@code COMMAND --help}: its usage, what it does, its arguments and options, and an example. */
  static String of(Command c) {
    StringBuilder sb = new StringBuilder();
    usage(sb, c);
    wrap(sb, "", 2, c.help());
    if (!c.params().isEmpty()) sb.append("arguments:\n");
    for (String p : c.params()) wrap(sb, "  " + Command.bare(p), 9, ARGUMENTS.get(Command.bare(p)));
    sb.append("options:\n");
    for (Command.Option o : c.options()) wrap(sb, "  " + o.usage(), 14, o.help());
    wrap(sb, "  " + HELP_OPTION, 14, "this text");
    sb.append("example:\n");
    wrap(sb, "", 2, c.example());
    wrap(sb, "", 0, EXIT);
    return sb.toString();
  }

  /**
   * Appends the usage line of {@code c}; a synopsis too wide for one line goes on under the command's
   * name, each argument and option whole ({@code [--host HOST]} never split).
   */
  private static void usage(StringBuilder sb, Command c) {
    String head = "usage: " + PROGRAM + " ";
    StringBuilder line = new StringBuilder(head);
    for (String part : c.synopsisParts()) {
      if (line.length() > head.length() && line.length() + 1 + part.length() > WIDTH) {
        sb.append(line).append('\n');
        line.setLength(0);
        line.append(" ".repeat(head.length()));
      } else if (line.length() > head.length()) {
        line.append(' ');
      }
      line.append(part);
    }
    sb.append(line).append('\n');
  }

  /**
   * Appends {@code head}, then {@code text} from column {@code indent} (on the next line if the head
   * reaches it), filled to {@link #WIDTH} columns; its further lines start at column {@code indent}.
   */
  private static void wrap(StringBuilder sb, String head, int indent, String text) {
    String pad = " ".repeat(indent);
    StringBuilder line = new StringBuilder(head);
    if (!text.isEmpty() && head.length() + 1 > indent && !head.isEmpty()) { // no room left of the column
      sb.append(head).append('\n');
      line.setLength(0);
    }
    if (!text.isEmpty()) line.append(" ".repeat(indent - line.length()));
    for (String word : text.split(" +")) {
      if (word.isEmpty()) continue;
      if (line.length() > indent && line.length() + 1 + word.length() > WIDTH) {
        sb.append(line).append('\n');
        line.setLength(0);
        line.append(pad);
      }
      if (line.length() > indent) line.append(' ');
      line.append(word);
    }
    sb.append(line).append('\n');
  }
}
