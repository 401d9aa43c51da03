package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.MemoStore;
import io.memokit.StoredBlock;
import io.memokit.display.Plain;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code cells STORE BLOCK}: which block was meant, then its cells as the notebook tables show them,
 * or with {@code --long} every field of where each came from; {@code --host}, {@code --user} and
 * {@code --fingerprint} keep the cells they pick ({@link CellFilter}).
 */
final class CellTable {

  static final Command.Option LONG = new Command.Option("--long",
      "where each cell came from, every field: user, host, pid, when written, JDK, memokit, code");

  private CellTable() {}

  static int print(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    StoredBlock block = store.block(args.get(1));
    BlockInfo info = block.info();
    List<CellInfo> all = block.cells();
    CellFilter filter = CellFilter.of(args);
    List<CellInfo> cells = all.stream().filter(filter).toList();
    String count = filter.isEmpty() ? CellChanges.cells(cells.size())
        : cells.size() + " of " + CellChanges.cells(all.size()) + " " + filter.describe();
    out.println("block " + info.blockName() + " in " + store.location() + ": " + count + ", keyed by " + info.keyedBy());
    out.println(args.has(LONG.name()) ? Plain.cellOrigins(cells) : Plain.cells(cells));
    return 0;
  }
}
