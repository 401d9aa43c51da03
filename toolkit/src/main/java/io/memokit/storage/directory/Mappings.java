package io.memokit.storage.directory;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Read-write mappings of a block's index files, in the files' byte order (little-endian), and the
 * reads made of them. Three kinds of access, one rule each:
 * <ul>
 *   <li>plain reads and writes, through the buffer's own {@code getLong} and {@code putLong};
 *   <li>reads that order what follows them (a slot's state before its fields, a header word before
 *   what it guards): {@link #readAcquire}, a plain read and then an acquire fence, which orders
 *   what follows the read as a volatile read does;
 *   <li>writes that publish, and atomic updates: a little-endian {@code VarHandle} view, in the
 *   callers ({@code setVolatile}, {@code getAndAdd}, {@code compareAndSet}).
 * </ul>
 * The index's writers hold the block's admin lock; its readers take none, and write only hit counts
 * and times, which no one orders anything by. So a reader needs each read to see, in order, what a
 * writer published before it (acquire), and no read needs to be ordered after a write of its own
 * thread to another word (what a volatile read gives beyond acquire). A {@code VarHandle} view of a
 * byte buffer checks alignment, bounds and the buffer's scope at each access: in code the JIT has not
 * compiled fully, which is what a notebook runs, it costs about twice the buffer's own read (see
 * {@code docs/benchmarks.md}). Every offset is a multiple of 8 in a page-aligned mapping, so each
 * read and write of a long is one access of the whole word.
 */
final class Mappings {

  private Mappings() {}

  /** The long at {@code index}, read with acquire semantics: no later read or write moves before it. */
  static long readAcquire(ByteBuffer map, int index) {
    long value = map.getLong(index);
    VarHandle.acquireFence();
    return value;
  }

  static MappedByteBuffer readWrite(FileChannel channel, long size) throws IOException {
    MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    m.order(ByteOrder.LITTLE_ENDIAN);
    return m;
  }
}
