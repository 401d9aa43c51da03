package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.MemoStore;
import io.memokit.StoredBlock;
import io.memokit.display.Plain;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code cells STORE BLOCK}: which block was meant, then one line per cell. A cell never hit shows
 * no "last hit".
 */
final class CellTable {

  private CellTable() {}

  static int print(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    StoredBlock block = store.block(args.get(1));
    BlockInfo info = block.info();
    List<CellInfo> cells = block.cells();
    out.println("block " + info.blockName() + " in " + store.location() + ": " + cells.size()
        + (cells.size() == 1 ? " cell" : " cells") + ", keyed by " + info.keyedBy());
    String row = "%8s  %-9s %8s %11s %10s %10s  %s";
    out.println(String.format(row, "id", "state", "hits", "size", "cpu ms", "wall ms", "last hit"));
    for (CellInfo c : cells) {
      out.println(String.format(row, c.id(), c.state(), c.hits(), Plain.bytes(c.size()),
          c.cpuTime().toMillis(), c.wallTime().toMillis(), c.hits() == 0 ? "" : Units.time(c.lastHit())).stripTrailing());
    }
    return 0;
  }
}
