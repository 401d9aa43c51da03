package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.storage.CellStatus;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code cells STORE BLOCK}: which block was meant, then one line per cell. A cell never hit shows
 * no "last hit" (the index keeps its completion time there until its first hit).
 */
final class CellTable {

  private CellTable() {}

  static int print(Args args, PrintStream out) {
    CliStore store = Stores.existing(args.get(0));
    BlockInfo block = BlockNames.find(store, args.get(1));
    List<CellStatus> cells = store.block(BlockNames.id(block)).cells();
    out.println("block " + block.blockName() + " in " + store.location() + ": " + cells.size()
        + (cells.size() == 1 ? " cell" : " cells") + ", keyed by " + block.keyedBy());
    String row = "%8s  %-9s %8s %11s %10s %10s  %s";
    out.println(String.format(row, "id", "state", "hits", "size", "cpu ms", "wall ms", "last hit"));
    for (CellStatus c : cells) {
      out.println(String.format(row, c.id(), c.state(), c.hits(), Units.bytes(c.bytes()),
          c.cpuNanos() / 1_000_000, c.wallNanos() / 1_000_000,
          c.hits() == 0 ? "" : Units.time(java.time.Instant.ofEpochMilli(c.lastHitMillis()))).stripTrailing());
    }
    return 0;
  }
}
