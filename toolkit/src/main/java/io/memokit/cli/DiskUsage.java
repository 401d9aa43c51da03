package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.MemoStore;
import io.memokit.display.Vocabulary;
import io.memokit.storage.Backends;
import java.io.PrintStream;

/**
 * {@code du STORE}: the bytes each block takes (a directory store: its files; a database: its
 * cells), the rest (a directory store's own files and files being written; a database's pages of
 * rows and indexes, free space, the wait board, sequences), and in total.
 */
final class DiskUsage {

  private DiskUsage() {}

  private static final String ROW = "%11s  %s%n";

  static int print(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    boolean database = Backends.isUrl(store.location());
    out.printf(ROW, "size", database ? "cells of" : "files of");
    long inBlocks = 0;
    for (BlockInfo b : store.blocks()) {
      long n = store.block(b.blockName()).footprint();
      inBlocks += n;
      out.printf(ROW, Vocabulary.bytes(n), b.blockName());
    }
    long total = store.bytes();
    out.printf(ROW, Vocabulary.bytes(Math.max(0, total - inBlocks)), database
        ? "the rest: pages of rows and indexes, free space, waits, sequences"
        : "other files: the marker, counters, hosts, waits, files being written");
    out.printf(ROW, Vocabulary.bytes(total), "total: " + total + " bytes " + (database ? "in schema memokit of " : "under ")
        + store.location());
    long limit = store.byteLimit();
    if (limit > 0) out.printf(ROW, Vocabulary.bytes(limit), "limit on the cells' bytes (java -jar memokit.jar limit)");
    return 0;
  }
}
