package io.memokit.storage.directory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;

/**
 * {@code STORE/counters}, 64 bytes mapped by every process: 0 a magic word, 8 the last cell number
 * given (incremented atomically across processes, and set back by one when that number is given
 * back), 16 a check word, 24 the store's byte limit (0:
 * none) and 32 its check word. A damaged file restarts numbering after the highest number in use.
 */
final class StoreCounters {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long COUNTERS_MAGIC = (0x4D4B4354L << 32) | StoreMarker.FORMAT; // "MKCT"
  private static final int C_LIMIT = 24, C_LIMIT_CHECK = 32;

  private final Path file;
  /** The highest cell number in the store's blocks, to restart numbering after damage. */
  private final LongSupplier highestCellId;
  private final MappedByteBuffer map;

  StoreCounters(Path root, StoreFiles files, LongSupplier highestCellId) throws IOException {
    this.file = root.resolve(StoreLayout.COUNTERS);
    this.highestCellId = highestCellId;
    this.map = open(files);
  }

  /**
   * Restores the counters file if it was truncated under this process's mapping (a fault reading
   * it): extending it back to its size makes every process's mapping readable again.
   */
  void repair() {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      if (ch.size() >= 64) return;
      LOG.log(System.Logger.Level.WARNING, "memokit: " + file + " was truncated; restoring it");
      ch.write(ByteBuffer.allocate((int) (64 - ch.size())), ch.size());
      LONGS.setVolatile(map, 8, highestCellId.getAsLong());
      LONGS.setVolatile(map, 16, SlotTable.mix(COUNTERS_MAGIC));
      LONGS.setVolatile(map, 0, COUNTERS_MAGIC);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot restore " + file + ": " + e);
    }
  }

  private MappedByteBuffer open(StoreFiles files) throws IOException {
    files.createFile(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() < 64) ch.write(ByteBuffer.allocate((int) (64 - ch.size())), ch.size()); // real blocks, not sparse
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 64);
      long magic = (long) LONGS.getVolatile(m, 0);
      if (magic == 0) {
        LONGS.compareAndSet(m, 16, 0L, SlotTable.mix(COUNTERS_MAGIC));
        LONGS.compareAndSet(m, 0, 0L, COUNTERS_MAGIC);
      } else if (magic != COUNTERS_MAGIC || (long) LONGS.get(m, 16) != SlotTable.mix(COUNTERS_MAGIC)
          || (long) LONGS.get(m, 8) < 0) {
        LOG.log(System.Logger.Level.WARNING, "memokit: " + file + " is corrupted; cell numbering restarts after "
            + "the highest number in use");
        LONGS.setVolatile(m, 8, highestCellId.getAsLong());
        LONGS.setVolatile(m, 16, SlotTable.mix(COUNTERS_MAGIC));
        LONGS.setVolatile(m, 0, COUNTERS_MAGIC);
      }
      return m;
    }
  }

  /** The next cell number: unique in the store, shown in traces, the same in every process. */
  long nextCellId() {
    return (long) LONGS.getAndAdd(map, 8, 1L) + 1;
  }

  /**
   * Gives back {@code id}, a number no cell holds any more, if it is the last one given: the next
   * {@link #nextCellId} then gives it again. Returns whether it did; a number given after it (by any
   * process) leaves it unused, as numbers are never given twice at once nor out of order.
   */
  boolean giveBack(long id) {
    return id > 0 && LONGS.compareAndSet(map, 8, id, id - 1);
  }

  /** The limit on the bytes of the store's cells; 0 if none (or if its check word is wrong). */
  long byteLimit() {
    long limit = (long) LONGS.getVolatile(map, C_LIMIT);
    return limit > 0 && (long) LONGS.getVolatile(map, C_LIMIT_CHECK) == SlotTable.mix(limit ^ COUNTERS_MAGIC)
        ? limit : 0;
  }

  void setByteLimit(long maxBytes) {
    LONGS.setVolatile(map, C_LIMIT_CHECK, SlotTable.mix(maxBytes ^ COUNTERS_MAGIC));
    LONGS.setVolatile(map, C_LIMIT, maxBytes);
  }
}
