package io.memokit.cli;

import io.memokit.StoredBlock;
import java.io.PrintStream;

/** {@code clear}, {@code clear-errors} and {@code resize}: remove some of a block's cells; the block stays. */
final class CellChanges {

  private CellChanges() {}

  static int clear(Args args, PrintStream out) {
    StoredBlock block = Stores.existing(args.get(0)).block(args.get(1));
    out.println(cells(block.clear()) + " removed from " + block.name());
    return 0;
  }

  static int clearErrors(Args args, PrintStream out) {
    StoredBlock block = Stores.existing(args.get(0)).block(args.get(1));
    out.println(cells(block.clearErrors()) + " holding an exception removed from " + block.name());
    return 0;
  }

  static int resize(Args args, PrintStream out) {
    int n;
    try {
      n = Integer.parseInt(args.get(2));
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) throw CliError.usage("resize: N must be a whole number from 1 to " + Integer.MAX_VALUE + ", not " + args.get(2));
    StoredBlock block = Stores.existing(args.get(0)).block(args.get(1));
    int evicted = block.resize(n);
    out.println(block.name() + " keeps at most " + cells(n) + "; " + cells(evicted) + " evicted");
    return 0;
  }

  static String cells(long n) {
    return n + (n == 1 ? " cell" : " cells");
  }
}
