package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockBackend;
import java.util.List;

/**
 * The block a command line names: as {@code blocks} prints it ({@code f(1)#3fa2c1d0e5b6a7f8},
 * {@code g{3}(2)}), or shorter ({@code f(1)}, {@code f}, {@code g{3}}) when only one block has that
 * name; when several do, the error lists them.
 */
final class BlockNames {

  private static final int LISTED = 12;

  private BlockNames() {}

  /** The block's snapshot; see {@link #open} for its storage. */
  static BlockInfo find(CliStore store, String name) {
    List<BlockInfo> all = store.blocks();
    List<BlockInfo> exact = all.stream().filter(b -> b.blockName().equals(name)).toList();
    if (exact.size() == 1) return exact.get(0);
    List<BlockInfo> matches = all.stream().filter(b -> b.label().equals(name) || shortName(b).equals(name)
        || b.name().equals(name)).toList();
    if (matches.size() == 1) return matches.get(0);
    if (matches.isEmpty()) {
      throw CliError.failure("no block " + name + " in " + store.location()
          + (all.isEmpty() ? ": the store has no blocks" : "; its blocks: " + list(all)));
    }
    throw CliError.failure(name + " names " + matches.size() + " blocks in " + store.location() + ": " + list(matches)
        + "; name one of them");
  }

  /** The storage of the block {@code name} names. */
  static BlockBackend open(CliStore store, String name) {
    return store.block(id(find(store, name)));
  }

  static FunctionId id(BlockInfo b) {
    return new FunctionId(b.name(), b.version(), b.code(), b.arity());
  }

  /** {@code g{3}} for a versioned block, else the name. */
  private static String shortName(BlockInfo b) {
    return b.version().isEmpty() ? b.name() : b.name() + "{" + b.version() + "}";
  }

  private static String list(List<BlockInfo> blocks) {
    List<String> names = blocks.stream().limit(LISTED).map(BlockInfo::blockName).toList();
    return String.join(", ", names) + (blocks.size() > LISTED ? ", ... (" + blocks.size() + " in all)" : "");
  }
}
