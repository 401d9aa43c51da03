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
 * cells as any process sees them. Each command is a {@link Command}; an error is one line on
 * standard error, {@code memokit: ...}, with exit status 2 for a wrong command line and 1 for a
 * failure.
 */
public final class Main {

  static final List<Command> COMMANDS = List.of(
      new Command("blocks", List.of("STORE"), List.of(),
          "every block: keyed by, hits, misses, cells, maxsize, errors, computing, bytes; a total row", BlockTable::print),
      new Command("cells", List.of("STORE", "BLOCK"), List.of(),
          "a block's cells: state, hits, bytes, CPU and wall time, last hit (empty if never hit)", CellTable::print),
      new Command("du", List.of("STORE"), List.of(),
          "bytes of all files under the store: per block, the rest, and the total", DiskUsage::print),
      new Command("limit", List.of("STORE", "SIZE"), List.of(),
          "keep the store's cells, all blocks together, under SIZE (500M, 10G; 0: no limit)", Limit::set),
      new Command("check", List.of("STORE"), List.of("--fix"),
          "verify indexes against cells (exit 1 on a problem); --fix repairs what it finds", Check::run),
      new Command("clear", List.of("STORE", "BLOCK"), List.of(), "remove a block's cells", CellChanges::clear),
      new Command("clear-errors", List.of("STORE", "BLOCK"), List.of(), "remove a block's stored exceptions",
          CellChanges::clearErrors),
      new Command("resize", List.of("STORE", "BLOCK", "N"), List.of(),
          "keep at most N cells in a block (the least recently hit go first)", CellChanges::resize),
      new Command("remove", List.of("STORE", "BLOCK"), List.of(), "remove a block: its cells and statistics",
          Removal::block),
      new Command("clear-store", List.of("STORE"), List.of("--yes"),
          "remove every block (without --yes: only say what it would remove)", Removal::store),
      new Command("clear-unused", List.of("STORE", "DAYS"), List.of(),
          "remove the blocks none of whose cells was computed or hit for DAYS days", Removal::unused),
      new Command("flags", List.of(), List.of("--jshell"),
          "JVM options memokit's codec needs (--jshell: as JShell -R options)", Main::flags),
      new Command("classpath", List.of(), List.of(), "memokit.jar and its dependencies, as a class path",
          Main::classPath));

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

  /** Runs the command {@code args} names, printing to {@code out}; returns the exit status or throws {@link CliError}. */
  static int run(String[] args, PrintStream out) throws IOException {
    if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
      out.print(usage());
      return 0;
    }
    if (args[0].equals("--version")) {
      out.println("memokit " + version());
      return 0;
    }
    for (Command c : COMMANDS) {
      if (c.name().equals(args[0])) {
        return c.action().run(Args.parse(c, Arrays.asList(args).subList(1, args.length)), out);
      }
    }
    throw CliError.usage((args[0].startsWith("-") ? "unknown option " : "unknown command ") + args[0]
        + "; 'java -jar memokit.jar --help' lists the commands");
  }

  static String usage() {
    StringBuilder sb = new StringBuilder("usage: java -jar memokit.jar COMMAND [ARGUMENTS]\n");
    for (Command c : COMMANDS) sb.append(String.format("  %-26s %s%n", c.synopsis(), c.help()));
    sb.append(String.format("  %-26s %s%n", "--version", "memokit's version"));
    sb.append(String.format("  %-26s %s%n", "--help, -h", "this text"));
    sb.append("""
        STORE is a store's directory (it holds a memokit.store file), or a PostgreSQL database's
        JDBC URL, jdbc:postgresql://HOST:PORT/DB?user=USER (a password in the URL is never shown;
        ~/.pgpass spares it); a path that is not a store is refused, never created. BLOCK is a block as 'blocks' prints it (f(1)#3fa2c1d0e5b6a7f8,
        g{3}(2)), or f(1), f or g{3} when only one block has that name.
        Exit status: 0 done, 1 failed, 2 wrong command line (errors are one line, 'memokit: ...').
        """);
    return sb.toString();
  }

  /** The jar's Implementation-Version (the Maven project version), or {@code dev} when run from classes. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
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
