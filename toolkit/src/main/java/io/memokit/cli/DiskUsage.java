package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.storage.Backends;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code du STORE}: the bytes of every file under the store (values, indexes, locks, the store's
 * own files, files being written), per block, the rest, and in total. For a database: the bytes of
 * each block's cells, the rest of what its schema takes (pages of rows and indexes, free space,
 * the wait board, sequences), and in total.
 */
final class DiskUsage {

  private DiskUsage() {}

  private static final String ROW = "%11s  %s%n";

  static int print(Args args, PrintStream out) {
    CliStore store = Stores.existing(args.get(0));
    if (Backends.isUrl(store.location())) {
      database(store, out);
    } else {
      directory(store, out);
    }
    long limit = store.api().byteLimit();
    if (limit > 0) out.printf(ROW, Units.bytes(limit), "limit on the cells' bytes (java -jar memokit.jar limit)");
    return 0;
  }

  private static void database(CliStore store, PrintStream out) {
    out.printf(ROW, "size", "cells of");
    long inCells = 0;
    for (BlockInfo b : store.blocks()) {
      inCells += b.bytes();
      out.printf(ROW, Units.bytes(b.bytes()), b.blockName());
    }
    long total = store.api().bytes();
    out.printf(ROW, Units.bytes(Math.max(0, total - inCells)), "the rest: pages of rows and indexes, free space, "
        + "waits, sequences");
    out.printf(ROW, Units.bytes(total), "total: " + total + " bytes in schema memokit of " + store.location());
  }

  private static void directory(CliStore store, PrintStream out) {
    out.printf(ROW, "size", "files of");
    long inBlocks = 0;
    for (BlockInfo b : store.blocks()) {
      long n = bytesUnder(store.path().resolve("blocks").resolve(BlockNames.id(b).directoryName()));
      inBlocks += n;
      out.printf(ROW, Units.bytes(n), b.blockName());
    }
    long total = bytesUnder(store.path());
    out.printf(ROW, Units.bytes(Math.max(0, total - inBlocks)), "other files: the marker, counters, hosts, waits, files being written");
    out.printf(ROW, Units.bytes(total), "total: " + total + " bytes under " + store.path());
  }

  /** The sizes of the regular files under {@code dir}, not following links; files removed meanwhile count 0. */
  static long bytesUnder(Path dir) {
    long[] sum = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) sum[0] += attrs.size();
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
          throw e;
        }
      });
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    return sum[0];
  }
}
