package io.memokit.cli;

import io.memokit.storage.BlockBackend;
import java.io.IOException;
import java.io.PrintStream;

/** {@code clear}, {@code clear-errors} and {@code resize}: remove some of a block's cells; the block stays. */
final class CellChanges {

  private CellChanges() {}

  static int clear(Args args, PrintStream out) throws IOException {
    BlockBackend block = BlockNames.open(Stores.existing(args.get(0)), args.get(1));
    out.println(cells(block.clear()) + " removed from " + name(block));
    return 0;
  }

  static int clearErrors(Args args, PrintStream out) throws IOException {
    BlockBackend block = BlockNames.open(Stores.existing(args.get(0)), args.get(1));
    out.println(cells(block.clearErrors()) + " holding an exception removed from " + name(block));
    return 0;
  }

  static int resize(Args args, PrintStream out) throws IOException {
    int n;
    try {
      n = Integer.parseInt(args.get(2));
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) throw CliError.usage("resize: N must be a whole number from 1 to " + Integer.MAX_VALUE + ", not " + args.get(2));
    BlockBackend block = BlockNames.open(Stores.existing(args.get(0)), args.get(1));
    int evicted = block.resize(n);
    out.println(name(block) + " keeps at most " + cells(n) + "; " + cells(evicted) + " evicted");
    return 0;
  }

  static String cells(long n) {
    return n + (n == 1 ? " cell" : " cells");
  }

  private static String name(BlockBackend b) {
    return b.id().code().isEmpty() ? b.id().label() : b.id().label() + "#" + b.id().code();
  }
}
