package io.memokit.cli;

import io.memokit.MemoStore;
import io.memokit.display.Vocabulary;
import java.io.PrintStream;

/** {@code limit STORE SIZE}: the store-wide byte limit, kept in the store for every process. */
final class Limit {

  private Limit() {}

  static int set(Args args, PrintStream out) {
    long size = Units.bytes("limit: SIZE", args.get(1));
    MemoStore store = Stores.existing(args.get(0));
    int evicted = store.limitBytes(size);
    out.println(size == 0 ? store.location() + " has no byte limit"
        : store.location() + " keeps its cells under " + Vocabulary.bytes(size) + " (" + size + " bytes); "
            + CellChanges.cells(evicted) + " evicted now");
    return 0;
  }
}
