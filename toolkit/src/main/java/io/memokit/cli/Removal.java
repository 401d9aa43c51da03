package io.memokit.cli;

import io.memokit.BlockInfo;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code remove} (one block) and {@code clear-store} (every block; the empty store stays, so
 * processes using it go on, numbering cells after the ones removed).
 */
final class Removal {

  private Removal() {}

  static int block(Args args, PrintStream out) {
    CliStore store = Stores.existing(args.get(0));
    BlockInfo b = BlockNames.find(store, args.get(1));
    store.removeBlock(BlockNames.id(b));
    out.println("removed block " + b.blockName() + " (" + CellChanges.cells(b.size()) + ", " + Units.bytes(b.bytes())
        + ") from " + store.location());
    return 0;
  }

  static int store(Args args, PrintStream out) {
    CliStore store = Stores.existing(args.get(0));
    List<BlockInfo> blocks = store.blocks();
    if (blocks.isEmpty()) {
      out.println(store.location() + " has no blocks: nothing to remove");
      return 0;
    }
    long cells = blocks.stream().mapToLong(BlockInfo::size).sum();
    long bytes = blocks.stream().mapToLong(BlockInfo::bytes).sum();
    String what = blocks.size() + (blocks.size() == 1 ? " block" : " blocks") + " (" + CellChanges.cells(cells) + ", "
        + Units.bytes(bytes) + ")";
    if (!args.has("--yes")) {
      out.println("clear-store would remove " + what + " from " + store.location() + ":");
      for (BlockInfo b : blocks) out.println("  " + b.blockName());
      throw CliError.usage("clear-store removed nothing: run it again with --yes to remove them");
    }
    for (BlockInfo b : blocks) store.removeBlock(BlockNames.id(b));
    out.println("removed " + what + " from " + store.location());
    return 0;
  }
}
