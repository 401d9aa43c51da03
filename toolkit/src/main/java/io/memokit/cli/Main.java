package io.memokit.cli;

import io.memokit.Memo;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code java -jar memokit.jar COMMAND}: the JVM settings memokit needs, and a store's blocks and
 * cells as any process sees them. Each command is a {@link Command}; {@code COMMAND --help} prints
 * its help ({@link Help}). An error is one line on standard error, {@code memokit: ...}, with exit
 * status 2 for a wrong command line and 1 for a failure.
 */
public final class Main {

  /** The store the examples name: the default store. */
  private static final String STORE = " ~/.cache/memokit";
  private static final String RUN = Help.PROGRAM + " ";

  static final List<Command> COMMANDS = List.of(
      new Command("blocks", List.of("STORE"), List.of(),
          "every block: keyed by, hits, misses, cells, maxsize, errors, computing, bytes; a total row",
          RUN + "blocks" + STORE, BlockTable::print),
      new Command("cells", List.of("STORE", "BLOCK"),
          List.of(CellTable.LONG, CellFilter.HOST, CellFilter.USER, CellFilter.FINGERPRINT),
          "a block's cells: arguments, state, hits, bytes, CPU and wall time, written by (user@host), last hit "
              + "(empty if never hit); --long: where each came from, every field",
          RUN + "cells" + STORE + " 'sq(1)' --host host-a --long", CellTable::print),
      new Command("du", List.of("STORE"), List.of(),
          "bytes of all files under the store: per block, the rest, and the total", RUN + "du" + STORE, DiskUsage::print),
      new Command("limit", List.of("STORE", "SIZE"), List.of(),
          "keep the store's cells, all blocks together, under SIZE (500mb, 1.5GiB; 0: no limit)",
          RUN + "limit" + STORE + " 1.5gb", Limit::set),
      new Command("check", List.of("STORE"), List.of(new Command.Option("--fix", "repair what it finds")),
          "verify indexes against cells (exit 1 on a problem); --fix repairs what it finds",
          RUN + "check" + STORE + " --fix", Check::run),
      new Command("clear", List.of("STORE", "BLOCK"), List.of(), "remove a block's cells",
          RUN + "clear" + STORE + " 'sq(1)'", CellChanges::clear),
      new Command("clear-errors", List.of("STORE", "BLOCK"), List.of(), "remove a block's stored exceptions",
          RUN + "clear-errors" + STORE + " 'sq(1)'", CellChanges::clearErrors),
      new Command("remove-cells", List.of("STORE", "[BLOCK]"),
          List.of(CellFilter.HOST, CellFilter.USER, CellFilter.FINGERPRINT, CellRemoval.YES),
          "remove the cells of BLOCK, or of every block, that --host, --user and --fingerprint pick (one or more; "
              + "cells being computed stay); without --yes: only say what it would remove",
          RUN + "remove-cells" + STORE + " --user alice --host host-a --yes", CellRemoval::remove),
      new Command("resize", List.of("STORE", "BLOCK", "N"), List.of(),
          "keep at most N cells in a block (the least recently hit go first)",
          RUN + "resize" + STORE + " 'sq(1)' 1000", CellChanges::resize),
      new Command("remove", List.of("STORE", "BLOCK"), List.of(), "remove a block: its cells and statistics",
          RUN + "remove" + STORE + " 'sq(1)#3fa2c1d0e5b6a7f8'", Removal::block),
      new Command("clear-store", List.of("STORE"),
          List.of(new Command.Option("--yes", "remove them (without it: only say what it would remove)")),
          "remove every block (without --yes: only say what it would remove)",
          RUN + "clear-store" + STORE + " --yes", Removal::store),
      new Command("clear-unused", List.of("STORE", "DAYS"), List.of(),
          "remove the blocks none of whose cells was computed or hit for DAYS days",
          RUN + "clear-unused" + STORE + " 30", Removal::unused),
      new Command("flags", List.of(), List.of(new Command.Option("--jshell", "as JShell -R options")),
          "JVM options memokit's codec needs (--jshell: as JShell -R options)",
          "jshell $(" + RUN + "flags --jshell)", Main::flags),
      new Command("classpath", List.of(), List.of(), "memokit.jar and its dependencies, as a class path",
          "jshell --class-path \"$(" + RUN + "classpath)\"", Main::classPath));

  private Main() {}

  public static void main(String[] args) {
    CliLogging.configure();
    int status;
    try {
      status = run(args, System.out);
    } catch (CliError e) {
      status = error(e.getMessage(), e.exitStatus());
    } catch (RuntimeException | IOException | Error e) {
      status = error(e.getMessage() == null ? e.toString() : e.getMessage(), CliError.FAILURE);
    }
    System.out.flush();
    System.exit(status);
  }

  private static int error(String message, int status) {
    System.out.flush();
    System.err.println("memokit: " + message.strip().replaceAll("\\s*\\R\\s*", "; "));
    return status;
  }

  /**
   * Runs the command {@code args} names, printing to {@code out}; returns the exit status or throws
   * {@link CliError}. {@code --help}, {@code -h}, {@code help} or nothing: the overview;
   * {@code COMMAND --help} (or {@code -h}, anywhere after it) and {@code help COMMAND}: its help.
   */
  static int run(String[] args, PrintStream out) throws IOException {
    if (args.length == 0 || isHelp(args[0]) || args.length == 1 && args[0].equals("help")) {
      out.print(Help.overview(COMMANDS));
      return 0;
    }
    if (args[0].equals("--version")) {
      out.println("memokit " + Memo.memokitVersion());
      return 0;
    }
    boolean help = args[0].equals("help");
    Command c = command(help ? args[1] : args[0]);
    List<String> words = Arrays.asList(args).subList(1, args.length);
    if (help || words.stream().anyMatch(Main::isHelp)) {
      out.print(Help.of(c));
      return 0;
    }
    return c.action().run(Args.parse(c, words), out);
  }

  private static boolean isHelp(String word) {
    return word.equals("--help") || word.equals("-h");
  }

  private static Command command(String name) {
    for (Command c : COMMANDS) {
      if (c.name().equals(name)) return c;
    }
    throw CliError.usage((name.startsWith("-") ? "unknown option " : "unknown command ") + name
        + "; '" + RUN + "--help' lists the commands");
  }

  private static int flags(Args args, PrintStream out) {
    boolean jshell = args.has("--jshell");
    out.println(String.join(" ", Memo.jvmFlags().stream().map(f -> jshell ? "-R" + f : f).toList()));
    return 0;
  }

  private static int classPath(Args args, PrintStream out) {
    out.println(classPath());
    return 0;
  }

  /** The jar holding this class and the jars of its lib/ folder (the layout of toolkit/target). */
  static String classPath() {
    try {
      Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
      List<String> entries = new ArrayList<>();
      entries.add(self.toString());
      Path lib = self.getParent().resolve("lib");
      if (Files.isDirectory(lib)) {
        try (Stream<Path> jars = Files.list(lib)) {
          jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> entries.add(p.toString()));
        }
      }
      return String.join(File.pathSeparator, entries);
    } catch (URISyntaxException | IOException e) {
      throw CliError.failure("cannot locate memokit.jar: " + e);
    }
  }
}
