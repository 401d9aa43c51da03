package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.display.Plain;
import java.io.PrintStream;
import java.util.List;

/** {@code blocks STORE}: one line per block with its statistics, then a total line. */
final class BlockTable {

  private BlockTable() {}

  static int print(Args args, PrintStream out) {
    List<BlockInfo> blocks = Stores.existing(args.get(0)).blocks();
    String total = "total: " + blocks.size() + (blocks.size() == 1 ? " block" : " blocks");
    int width = Math.max(total.length(), blocks.stream().mapToInt(b -> b.blockName().length()).max().orElse(0));
    String row = "%-" + width + "s %10s %10s %8s %8s %7s %11s%n";
    out.printf(row, "block", "hits", "misses", "cells", "maxsize", "errors", "size");
    long hits = 0;
    long misses = 0;
    long cells = 0;
    long errors = 0;
    long bytes = 0;
    for (BlockInfo b : blocks) {
      out.printf(row, b.blockName(), b.hits(), b.misses(), b.size(), b.maxsize(), b.errors(), Plain.bytes(b.bytes()));
      hits += b.hits();
      misses += b.misses();
      cells += b.size();
      errors += b.errors();
      bytes += b.bytes();
    }
    out.printf(row, total, hits, misses, cells, "", errors, Plain.bytes(bytes));
    return 0;
  }
}
