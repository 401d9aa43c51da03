package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.MemoStore;
import io.memokit.StoredBlock;
import io.memokit.display.Vocabulary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code remove-cells STORE [BLOCK] --host HOST | --user USER | --fingerprint CODE [--yes]}: the
 * finished cells of one block, or of every block, that the options pick ({@link CellFilter}),
 * removed as a function's {@code forget} removes a cell (no process answers them from memory after);
 * the other cells, and cells being computed, stay. Without {@code --yes} it only says what it would
 * remove, as {@code clear-store} does.
 */
final class CellRemoval {

  static final Command.Option YES = new Command.Option("--yes", "remove them (without it: only say what it would remove)");
  /** The most cell numbers a block's line names before it says how many more. */
  private static final int LISTED = 10;

  private CellRemoval() {}

  static int remove(Args args, PrintStream out) {
    CellFilter filter = CellFilter.of(args);
    if (filter.isEmpty()) {
      throw CliError.usage("remove-cells: say which cells to remove: --host HOST, --user USER or --fingerprint CODE "
          + "(one or more)");
    }
    MemoStore store = Stores.existing(args.get(0));
    List<StoredBlock> blocks = new ArrayList<>();
    if (args.count() > 1) {
      blocks.add(store.block(args.get(1)));
    } else {
      for (BlockInfo b : store.blocks()) blocks.add(store.block(b.blockName()));
    }
    String which = " " + filter.describe();
    if (!args.has(YES.name())) return preview(store, blocks, filter, which, out);
    long removed = 0;
    for (StoredBlock block : blocks) {
      int n = block.removeCells(filter);
      if (n > 0) out.println("removed " + CellChanges.cells(n) + " from " + block.name());
      removed += n;
    }
    out.println(removed == 0 ? nothing(store, which) : "removed " + CellChanges.cells(removed) + which + " from "
        + store.location());
    return 0;
  }

  private static String nothing(MemoStore store, String which) {
    return store.location() + " has no cell" + which + ": nothing to remove";
  }

  /** Says what {@code --yes} would remove, block by block; exit status 2 if anything, as clear-store's. */
  private static int preview(MemoStore store, List<StoredBlock> blocks, CellFilter filter, String which, PrintStream out) {
    List<String> lines = new ArrayList<>();
    long cells = 0;
    long bytes = 0;
    for (StoredBlock block : blocks) {
      List<CellInfo> picked = block.cells().stream().filter(filter).toList();
      if (picked.isEmpty()) continue;
      cells += picked.size();
      bytes += picked.stream().mapToLong(CellInfo::size).sum();
      List<String> ids = picked.stream().limit(LISTED).map(c -> String.valueOf(c.id())).toList();
      lines.add("  " + block.name() + ": " + CellChanges.cells(picked.size()) + " (" + String.join(", ", ids)
          + (picked.size() > LISTED ? ", ..." : "") + ")");
    }
    if (cells == 0) {
      out.println(nothing(store, which));
      return 0;
    }
    out.println("remove-cells would remove " + CellChanges.cells(cells) + " (" + Vocabulary.bytes(bytes) + ")" + which
        + " from " + store.location() + ":");
    lines.forEach(out::println);
    throw CliError.usage("remove-cells removed nothing: run it again with --yes to remove them");
  }
}
