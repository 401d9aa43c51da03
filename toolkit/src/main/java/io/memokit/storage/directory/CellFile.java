package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The file of one finished cell:
 * <pre>
 *   payload        the encoded value (or exception), first, so the codec reads it in place
 *   key            the canonical key encoding (absent for keys above the stored limit)
 *   dependencies   the versioned functions the arguments contain
 *   trailer        84 bytes: lengths, key hash, cell id, slot, times, kind, codec, format,
 *                  flags, magic, and a CRC32C of everything before it
 * </pre>
 * A file that is short, has a wrong magic, inconsistent lengths or a wrong checksum is corrupt:
 * it is reported and never decoded.
 */
final class CellFile {

  static final int FORMAT = 1;
  static final int MAGIC = 0x4D4B4331; // "MKC1"
  static final int TRAILER = 84;
  static final byte VALUE = 1;
  static final byte ERROR = 2;
  /** Set by memokit 0.1 on values holding expressions; its absence said nothing about sharing. */
  static final int FLAG_DEFINITIONS = 1;
  /** The decoded value may be shared by every hit of a process (files without it: decoded for each hit). */
  static final int FLAG_SHAREABLE = 2;

  private CellFile() {}

  /** What a cell file records about its cell. */
  record Meta(byte kind, byte codec, int flags, long id, int slotHint, long created, long cpuNanos, long wallNanos) {}

  /** A parsed, verified cell file; {@code bytes[0, payloadLength)} is the encoded value. */
  record Stored(Meta meta, long keyHi, long keyLo, byte[] key, List<FunctionId> dependencies, byte[] bytes,
                int payloadLength) {
    boolean isError() {
      return meta.kind() == ERROR;
    }

    boolean shareable() {
      return (meta.flags() & (FLAG_SHAREABLE | FLAG_DEFINITIONS)) == FLAG_SHAREABLE;
    }

    long fileSize() {
      return bytes.length;
    }
  }

  /** The buffers to write, in order, for a cell holding {@code payload[0, payloadLength)}. */
  static ByteBuffer[] build(Meta meta, CellKey key, byte[] payload, int payloadLength) {
    byte[] keyBytes = key.encoding();
    byte[] deps = encodeDependencies(key.dependencies());
    ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    trailer.putLong(payloadLength)
        .putInt(keyBytes == null ? -1 : keyBytes.length)
        .putInt(deps.length)
        .putLong(key.hashHi())
        .putLong(key.hashLo())
        .putLong(meta.id())
        .putLong(meta.created())
        .putLong(meta.cpuNanos())
        .putLong(meta.wallNanos())
        .putInt(meta.slotHint())
        .put(meta.kind())
        .put(meta.codec())
        .putShort((short) FORMAT)
        .putInt(meta.flags())
        .putInt(MAGIC);
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, payloadLength);
    if (keyBytes != null) crc.update(keyBytes);
    crc.update(deps);
    crc.update(trailer.array(), 0, TRAILER - 4);
    trailer.putInt((int) crc.getValue());
    trailer.flip();
    return new ByteBuffer[] {ByteBuffer.wrap(payload, 0, payloadLength),
        ByteBuffer.wrap(keyBytes == null ? new byte[0] : keyBytes),
        ByteBuffer.wrap(deps), trailer};
  }

  /**
   * The key a cell file holds, read from its trailer's lengths without reading its value (not
   * verified: the caller checks it against the key hash it expects); {@code null} if it holds none.
   */
  static byte[] readKey(Path file) throws java.io.IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      long n = ch.size();
      if (n < TRAILER) return null;
      ByteBuffer t = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, t, n - TRAILER);
      long payloadLength = t.getLong(0);
      int keyLength = t.getInt(8);
      if (t.getInt(TRAILER - 8) != MAGIC || keyLength < 0 || payloadLength < 0 || payloadLength + keyLength > n - TRAILER) {
        return null;
      }
      ByteBuffer key = ByteBuffer.allocate(keyLength);
      readFully(ch, key, payloadLength);
      return key.array();
    }
  }

  private static void readFully(java.nio.channels.FileChannel ch, ByteBuffer b, long position) throws java.io.IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) throw new java.io.EOFException("cell file cut short");
    }
  }

  /** Verifies and parses the bytes of a cell file. */
  static Stored parse(Path file, byte[] b) throws CorruptFileException, NewerFormatException {
    int n = b.length;
    if (n < TRAILER) throw new CorruptFileException(file, "cell file is " + n + " bytes, shorter than its trailer");
    ByteBuffer t = ByteBuffer.wrap(b, n - TRAILER, TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    long payloadLength = t.getLong();
    int keyLength = t.getInt();
    int depsLength = t.getInt();
    long keyHi = t.getLong();
    long keyLo = t.getLong();
    long id = t.getLong();
    long created = t.getLong();
    long cpu = t.getLong();
    long wall = t.getLong();
    int slot = t.getInt();
    byte kind = t.get();
    byte codec = t.get();
    int format = t.getShort() & 0xffff;
    int flags = t.getInt();
    int magic = t.getInt();
    int storedCrc = t.getInt();
    if (magic != MAGIC) throw new CorruptFileException(file, "cell file has no memokit trailer (torn or not a cell)");
    long keyBytes = Math.max(keyLength, 0);
    if (payloadLength < 0 || depsLength < 0 || payloadLength + keyBytes + depsLength + TRAILER != n) {
      throw new CorruptFileException(file, "cell file lengths do not add up (torn or corrupted)");
    }
    CRC32C crc = new CRC32C();
    crc.update(b, 0, n - 4);
    if ((int) crc.getValue() != storedCrc) throw new CorruptFileException(file, "cell file checksum does not match");
    if (format > FORMAT) throw new NewerFormatException(file, format, FORMAT);
    if (kind != VALUE && kind != ERROR) throw new CorruptFileException(file, "cell file has unknown kind " + kind);
    int p = (int) payloadLength;
    byte[] key = null;
    if (keyLength >= 0) {
      key = new byte[keyLength];
      System.arraycopy(b, p, key, 0, keyLength);
    }
    List<FunctionId> deps = decodeDependencies(file, b, p + (int) keyBytes, depsLength);
    return new Stored(new Meta(kind, codec, flags, id, slot, created, cpu, wall), keyHi, keyLo, key, deps, b, p);
  }

  private static byte[] encodeDependencies(List<FunctionId> deps) {
    if (deps.isEmpty()) return new byte[0];
    ByteBuffer out = ByteBuffer.allocate(2 + deps.size() * (2 * (2 + FunctionId.MAX_NAME * 4) + 1))
        .order(ByteOrder.LITTLE_ENDIAN);
    out.putShort((short) deps.size());
    for (FunctionId d : deps) {
      putString(out, d.name());
      putString(out, d.version());
      out.put((byte) d.arity());
    }
    byte[] r = new byte[out.position()];
    out.flip().get(r);
    return r;
  }

  private static void putString(ByteBuffer out, String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    out.putShort((short) u.length).put(u);
  }

  private static List<FunctionId> decodeDependencies(Path file, byte[] b, int off, int len) throws CorruptFileException {
    if (len == 0) return List.of();
    try {
      ByteBuffer in = ByteBuffer.wrap(b, off, len).order(ByteOrder.LITTLE_ENDIAN);
      int count = in.getShort() & 0xffff;
      List<FunctionId> deps = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = getString(in);
        String version = getString(in);
        deps.add(new FunctionId(name, version, in.get()));
      }
      return deps;
    } catch (RuntimeException e) {
      throw new CorruptFileException(file, "cell file dependencies are not readable: " + e.getMessage());
    }
  }

  private static String getString(ByteBuffer in) {
    byte[] u = new byte[in.getShort() & 0xffff];
    in.get(u);
    return new String(u, StandardCharsets.UTF_8);
  }
}
