package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Memo;
import io.memokit.MemoStore;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockStorage;
import io.memokit.storage.DirectoryStore;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code java -jar memokit.jar COMMAND}: the JVM settings memokit needs, and a store's blocks and
 * cells as any process sees them.
 */
public final class Main {

  private static final String USAGE = """
      usage: java -jar memokit.jar COMMAND
        flags [--jshell]            JVM options memokit's codec needs (--jshell: as JShell -R options)
        classpath                   memokit.jar and its dependencies, as a class path
        blocks STORE                the store's blocks: hits, misses, size, maxsize, bytes
        cells STORE BLOCK           a block's cells (BLOCK as printed by 'blocks', e.g. 'f(2)' or 'g{3}(1)')
        clear STORE BLOCK           remove a block's cells
        clear-errors STORE BLOCK    remove a block's stored exceptions
        resize STORE BLOCK N        keep at most N cells in a block
      """;

  private Main() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    try {
      System.exit(run(args, out));
    } catch (IllegalArgumentException | IllegalStateException | io.memokit.MemoException e) {
      System.err.println("memokit: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] args, PrintStream out) {
    if (args.length == 0) {
      out.print(USAGE);
      return 2;
    }
    switch (args[0]) {
      case "flags" -> {
        boolean jshell = args.length > 1 && args[1].equals("--jshell");
        out.println(String.join(" ", Memo.jvmFlags().stream().map(f -> jshell ? "-R" + f : f).toList()));
      }
      case "classpath" -> out.println(classPath());
      case "blocks" -> {
        MemoStore store = Memo.store(arg(args, 1, "STORE"));
        out.printf("%-40s %10s %10s %8s %8s %7s %12s%n", "block", "hits", "misses", "size", "maxsize", "errors", "bytes");
        for (BlockInfo b : store.blocks()) {
          out.printf("%-40s %10d %10d %8d %8d %7d %12d%n", b.blockName(), b.hits(), b.misses(), b.size(), b.maxsize(),
              b.errors(), b.bytes());
        }
      }
      case "cells" -> {
        BlockStorage block = block(args);
        out.printf("%8s %-9s %8s %12s %10s %10s  %s%n", "id", "state", "hits", "size", "cpu ms", "wall ms", "last hit");
        for (CellInfo c : block.cells()) {
          out.printf("%8d %-9s %8d %12d %10d %10d  %s%n", c.id(), c.state(), c.hits(), c.size(), c.cpuTime().toMillis(),
              c.wallTime().toMillis(), c.lastHit());
        }
      }
      case "clear" -> out.println(io(() -> block(args).clear()) + " cells removed");
      case "clear-errors" -> out.println(io(() -> block(args).clearErrors()) + " cells removed");
      case "resize" -> {
        int n = Integer.parseInt(arg(args, 3, "N"));
        out.println(io(() -> block(args).resize(n)) + " cells evicted");
      }
      default -> {
        out.print(USAGE);
        return 2;
      }
    }
    return 0;
  }

  private interface Io<T> {
    T run() throws IOException;
  }

  private static <T> T io(Io<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static String arg(String[] args, int i, String name) {
    if (args.length <= i) throw new IllegalArgumentException("missing " + name + "\n" + USAGE);
    return args[i];
  }

  private static BlockStorage block(String[] args) {
    DirectoryStore store = (DirectoryStore) Memo.store(arg(args, 1, "STORE"));
    String label = arg(args, 2, "BLOCK");
    List<FunctionId> matches = new ArrayList<>();
    for (BlockInfo b : store.blocks()) {
      FunctionId id = new FunctionId(b.name(), b.version(), b.code(), b.arity());
      if (b.label().equals(label) || b.blockName().equals(label)) matches.add(id);
    }
    if (matches.size() == 1) return store.block(matches.get(0));
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no block " + label + " in " + store.path() + "; see: blocks " + store.path());
    }
    throw new IllegalArgumentException("block " + label + " has cells of " + matches.size() + " versions of its code "
        + "in " + store.path() + ": name one of " + matches.stream().map(id -> label + "#" + id.code()).toList());
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
      throw new IllegalStateException("cannot locate memokit.jar: " + e, e);
    }
  }
}
