package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.MemoStore;
import io.memokit.StoredBlock;
import io.memokit.display.Vocabulary;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code remove} (one block), {@code clear-store} (every block; the empty store stays, so
 * processes using it go on, numbering cells after the ones removed) and {@code clear-unused} (the
 * blocks not used for some days). A block that a running process uses is kept, and said so.
 */
final class Removal {

  private Removal() {}

  static int block(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    StoredBlock block = store.block(args.get(1));
    BlockInfo b = block.info();
    List<String> users = block.usedBy();
    if (!users.isEmpty()) throw CliError.failure("kept block " + b.blockName() + ": in use by " + String.join(", ", users));
    block.remove();
    out.println("removed block " + b.blockName() + " (" + CellChanges.cells(b.size()) + ", " + Vocabulary.bytes(b.bytes())
        + ") from " + store.location());
    return 0;
  }

  static int store(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    List<BlockInfo> blocks = store.blocks();
    if (blocks.isEmpty()) {
      out.println(store.location() + " has no blocks: nothing to remove");
      return 0;
    }
    long cells = blocks.stream().mapToLong(BlockInfo::size).sum();
    long bytes = blocks.stream().mapToLong(BlockInfo::bytes).sum();
    String what = blocks.size() + (blocks.size() == 1 ? " block" : " blocks") + " (" + CellChanges.cells(cells) + ", "
        + Vocabulary.bytes(bytes) + ")";
    if (!args.has("--yes")) {
      out.println("clear-store would remove " + what + " from " + store.location() + ":");
      for (BlockInfo b : blocks) out.println("  " + b.blockName());
      throw CliError.usage("clear-store removed nothing: run it again with --yes to remove them");
    }
    return removeUnlessInUse(store, blocks, out);
  }

  static int unused(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    long days;
    try {
      days = Long.parseLong(args.get(1));
    } catch (NumberFormatException e) {
      days = -1;
    }
    if (days < 0) throw CliError.usage("clear-unused: DAYS must be a whole number of days, 0 or more: " + args.get(1));
    Instant since = Instant.now().minus(Duration.ofDays(days));
    List<BlockInfo> unused = new ArrayList<>();
    for (BlockInfo b : store.blocks()) {
      if (store.block(b.blockName()).lastUsed().isBefore(since)) unused.add(b);
    }
    if (unused.isEmpty()) {
      out.println(store.location() + " has no block unused for " + days + " days: nothing to remove");
      return 0;
    }
    return removeUnlessInUse(store, unused, out);
  }

  /** Removes {@code blocks}, keeping (and naming) those a running process uses. */
  private static int removeUnlessInUse(MemoStore store, List<BlockInfo> blocks, PrintStream out) {
    long cells = 0;
    long bytes = 0;
    int removed = 0;
    for (BlockInfo b : blocks) {
      StoredBlock block = store.block(b.blockName());
      List<String> users = block.usedBy();
      if (!users.isEmpty() || !block.remove()) {
        out.println("kept block " + b.blockName() + ": in use by " + String.join(", ", users.isEmpty() ? block.usedBy() : users));
        continue;
      }
      removed++;
      cells += b.size();
      bytes += b.bytes();
    }
    out.println("removed " + removed + (removed == 1 ? " block" : " blocks") + " (" + CellChanges.cells(cells) + ", "
        + Vocabulary.bytes(bytes) + ") from " + store.location());
    return 0;
  }
}
