package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.MemoStore;
import io.memokit.StoredBlock;
import io.memokit.display.Plain;
import java.io.PrintStream;
import java.util.List;

/** {@code cells STORE BLOCK}: which block was meant, then its cells as the notebook tables show them. */
final class CellTable {

  private CellTable() {}

  static int print(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    StoredBlock block = store.block(args.get(1));
    BlockInfo info = block.info();
    List<CellInfo> cells = block.cells();
    out.println("block " + info.blockName() + " in " + store.location() + ": " + cells.size()
        + (cells.size() == 1 ? " cell" : " cells") + ", keyed by " + info.keyedBy());
    out.println(Plain.cells(cells));
    return 0;
  }
}
