package io.memokit.cli;

import io.memokit.display.Plain;
import java.io.PrintStream;

/** {@code blocks STORE}: the store's blocks as the notebook tables show them, then a total row. */
final class BlockTable {

  private BlockTable() {}

  static int print(Args args, PrintStream out) {
    out.println(Plain.blocksWithTotal(Stores.existing(args.get(0)).blocks()));
    return 0;
  }
}
