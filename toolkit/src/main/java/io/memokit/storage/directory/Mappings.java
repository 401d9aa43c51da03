package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Read-write mappings of a block's index files, in the files' byte order (little-endian), so that a
 * plain read or write through the buffer's own methods ({@code getLong}, {@code putLong}) and a
 * volatile, opaque or atomic one through a little-endian {@code VarHandle} view see the same bytes.
 * Plain accesses use the buffer's methods because they cost about half a {@code VarHandle}'s in code
 * the JIT has not compiled fully yet, which is what a notebook runs.
 */
final class Mappings {

  private Mappings() {}

  static MappedByteBuffer readWrite(FileChannel channel, long size) throws IOException {
    MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    m.order(ByteOrder.LITTLE_ENDIAN);
    return m;
  }
}
