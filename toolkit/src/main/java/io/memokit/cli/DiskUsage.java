package io.memokit.cli;

import io.memokit.BlockInfo;
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
 * own files, files being written), per block, the rest, and in total.
 */
final class DiskUsage {

  private DiskUsage() {}

  static int print(Args args, PrintStream out) {
    CliStore store = Stores.existing(args.get(0));
    String row = "%11s  %s%n";
    out.printf(row, "size", "files of");
    long inBlocks = 0;
    for (BlockInfo b : store.blocks()) {
      long n = bytesUnder(store.path().resolve("blocks").resolve(BlockNames.id(b).directoryName()));
      inBlocks += n;
      out.printf(row, Units.bytes(n), b.blockName());
    }
    long total = bytesUnder(store.path());
    out.printf(row, Units.bytes(Math.max(0, total - inBlocks)), "other files: the marker, counters, hosts, waits, files being written");
    out.printf(row, Units.bytes(total), "total: " + total + " bytes under " + store.path());
    long limit = store.api().byteLimit();
    if (limit > 0) out.printf(row, Units.bytes(limit), "limit on the cells' bytes (java -jar memokit.jar limit)");
    return 0;
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
