package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.Provenance;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The file of one finished cell:
 * <pre>
 *   payload        the encoded value (or exception), first, so the codec reads it in place
 *   key            the canonical key encoding (absent for keys above the stored limit)
 *   dependencies   the versioned functions the arguments contain
 *   provenance     since format 2: where the cell came from ({@link Provenance}: pid, time written,
 *                  OS user, host, JDK, memokit, code), then its own length in 4 bytes
 *   trailer        84 bytes: lengths, key hash, cell id, slot, times, kind, codec, format,
 *                  flags, magic, and a CRC32C of everything before it
 * </pre>
 * The trailer's third length counts every section between the key and the trailer (in format 1,
 * the dependencies alone), so the checksum covers the provenance, and a memokit that reads only
 * format 1 finds the lengths adding up and the checksum matching, and passes a format-2 file over as
 * one of a newer memokit, not as a damaged one. A file of format 1 reads with
 * {@link Provenance#UNKNOWN}. A file that is short, has a wrong magic, inconsistent lengths or a
 * wrong checksum is corrupt: it is reported and never decoded.
 */
final class CellFile {

  static final int FORMAT = 2;
  /** The first format with a provenance section. */
  static final int FORMAT_PROVENANCE = 2;
  static final int MAGIC = 0x4D4B4331; // "MKC1"
  static final int TRAILER = 84;
  static final byte VALUE = 1;
  static final byte ERROR = 2;
  /** Set by memokit 0.1 on values holding expressions; its absence said nothing about sharing. */
  static final int FLAG_DEFINITIONS = 1;
  /** The decoded value may be shared by every hit of a process (files without it: decoded for each hit). */
  static final int FLAG_SHAREABLE = 2;

  private CellFile() {}

  /** What a cell file records about its cell (and its {@link Provenance}, written beside it). */
  record Meta(byte kind, byte codec, int flags, long id, int slotHint, long created, long cpuNanos, long wallNanos) {}

  /**
   * A parsed, verified cell file; {@code bytes[0, payloadLength)} is the encoded value. Its
   * provenance, whose layout the parse checked, is decoded when asked for: a hit does not need it.
   */
  record Stored(Meta meta, long keyHi, long keyLo, byte[] key, List<FunctionId> dependencies, byte[] bytes,
                int payloadLength, int provenanceOffset, int provenanceLength) {
    /** Where the cell came from; {@link Provenance#UNKNOWN} for a file of format 1. */
    Provenance provenance() {
      return decodeProvenance(bytes, provenanceOffset, provenanceLength);
    }

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
  static ByteBuffer[] build(Meta meta, Provenance provenance, CellKey key, byte[] payload, int payloadLength) {
    byte[] keyBytes = key.encoding();
    byte[] sections = encodeSections(key.dependencies(), provenance);
    ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    trailer.putLong(payloadLength)
        .putInt(keyBytes == null ? -1 : keyBytes.length)
        .putInt(sections.length)
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
    crc.update(sections);
    crc.update(trailer.array(), 0, TRAILER - 4);
    trailer.putInt((int) crc.getValue());
    trailer.flip();
    return new ByteBuffer[] {ByteBuffer.wrap(payload, 0, payloadLength),
        ByteBuffer.wrap(keyBytes == null ? new byte[0] : keyBytes),
        ByteBuffer.wrap(sections), trailer};
  }

  /** What a listing shows of a cell file: its key ({@code null} if it holds none) and its provenance. */
  record Listing(byte[] key, Provenance provenance) {}

  /**
   * The key and provenance a cell file holds, read through its trailer's lengths without reading its
   * value, so not verified (the checksum covers the value too): the caller checks the key against
   * the key hash it expects. {@code null} if the file does not have a cell file's shape; a
   * provenance that cannot be read is a {@link CorruptFileException}.
   */
  static Listing readListing(Path file) throws java.io.IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      long n = ch.size();
      if (n < TRAILER) return null;
      ByteBuffer t = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, t, n - TRAILER);
      long payloadLength = t.getLong(0);
      int keyLength = t.getInt(8);
      int sectionsLength = t.getInt(12);
      int format = t.getShort(70) & 0xffff;
      long keyBytes = Math.max(keyLength, 0);
      if (t.getInt(TRAILER - 8) != MAGIC || payloadLength < 0 || sectionsLength < 0 || format > FORMAT
          || payloadLength + keyBytes + sectionsLength + TRAILER != n) {
        return null;
      }
      ByteBuffer after = ByteBuffer.allocate((int) keyBytes + sectionsLength);
      readFully(ch, after, payloadLength);
      byte[] b = after.array();
      byte[] key = keyLength < 0 ? null : Arrays.copyOf(b, keyLength);
      Sections sections = readSections(file, b, (int) keyBytes, sectionsLength, format);
      return new Listing(key, decodeProvenance(b, sections.provenanceOffset(), sections.provenanceLength()));
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
    int sectionsLength = t.getInt();
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
    if (payloadLength < 0 || sectionsLength < 0 || payloadLength + keyBytes + sectionsLength + TRAILER != n) {
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
    Sections sections = readSections(file, b, p + (int) keyBytes, sectionsLength, format);
    return new Stored(new Meta(kind, codec, flags, id, slot, created, cpu, wall), keyHi, keyLo, key,
        sections.dependencies(), b, p, sections.provenanceOffset(), sections.provenanceLength());
  }

  /**
   * The sections between a cell file's key and its trailer: the dependencies, and where the
   * provenance lies (its layout checked; a length of -1 in a file of format 1, which has none).
   */
  private record Sections(List<FunctionId> dependencies, int provenanceOffset, int provenanceLength) {}

  /** Reads the {@code length} bytes of sections from {@code b[off]}, as a file of {@code format} lays them out. */
  private static Sections readSections(Path file, byte[] b, int off, int length, int format)
      throws CorruptFileException {
    if (format < FORMAT_PROVENANCE) return new Sections(decodeDependencies(file, b, off, length), 0, -1);
    int provenanceLength = length < 4 ? -1 : ByteBuffer.wrap(b, off + length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (provenanceLength < 0 || provenanceLength > length - 4) {
      throw new CorruptFileException(file, "cell file has no room for its provenance (torn or corrupted)");
    }
    int depsLength = length - 4 - provenanceLength;
    checkProvenance(file, b, off + depsLength, provenanceLength);
    return new Sections(decodeDependencies(file, b, off, depsLength), off + depsLength, provenanceLength);
  }

  /** The dependencies, then the provenance and its length: what lies between the key and the trailer. */
  private static byte[] encodeSections(List<FunctionId> deps, Provenance provenance) {
    List<String> texts = List.of(provenance.user(), provenance.host(), provenance.jdk(), provenance.memokit(),
        provenance.code());
    byte[][] utf8 = new byte[texts.size()][];
    int size = 16 + 4; // pid, time written; the provenance's length
    for (int i = 0; i < utf8.length; i++) size += 2 + (utf8[i] = UTF8.of(texts.get(i))).length;
    byte[][] depTexts = new byte[2 * deps.size()][];
    if (!deps.isEmpty()) {
      size += 2;
      for (int i = 0; i < deps.size(); i++) {
        depTexts[2 * i] = deps.get(i).name().getBytes(StandardCharsets.UTF_8);
        depTexts[2 * i + 1] = deps.get(i).version().getBytes(StandardCharsets.UTF_8);
        size += 2 + depTexts[2 * i].length + 2 + depTexts[2 * i + 1].length + 1;
      }
    }
    byte[] r = new byte[size]; // exactly: a miss writes this once, and should allocate no more
    ByteBuffer out = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
    if (!deps.isEmpty()) {
      out.putShort((short) deps.size());
      for (int i = 0; i < deps.size(); i++) {
        putBytes(out, depTexts[2 * i]);
        putBytes(out, depTexts[2 * i + 1]);
        out.put((byte) deps.get(i).arity());
      }
    }
    int start = out.position();
    out.putLong(provenance.pid()).putLong(provenance.writtenMillis());
    for (byte[] u : utf8) putBytes(out, u);
    out.putInt(out.position() - start);
    return r;
  }

  /**
   * The UTF-8 bytes of the texts a process writes in every cell (its user, host, JDK, memokit; a
   * function's code), kept for the last few: most misses would encode the same strings again.
   */
  private static final class UTF8 {
    private static final java.util.Map<String, byte[]> RECENT = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int KEPT = 64;

    static byte[] of(String s) {
      byte[] b = RECENT.get(s);
      if (b != null) return b;
      b = s.getBytes(StandardCharsets.UTF_8);
      if (RECENT.size() < KEPT) RECENT.put(s, b);
      return b;
    }
  }

  /** The texts of a provenance, after its pid and time written. */
  private static final int PROVENANCE_TEXTS = 5;

  /**
   * Checks the layout of the provenance at {@code b[off, off + len)}: its pid and time, then its
   * texts, each whole, filling it exactly. Decoding it then cannot fail ({@link #decodeProvenance}).
   */
  private static void checkProvenance(Path file, byte[] b, int off, int len) throws CorruptFileException {
    int p = 16;
    int texts = 0;
    for (; texts < PROVENANCE_TEXTS && p <= len - 2; texts++) {
      p += 2 + ((b[off + p] & 0xff) | (b[off + p + 1] & 0xff) << 8);
    }
    if (len < 16 || texts < PROVENANCE_TEXTS || p != len) {
      throw new CorruptFileException(file, "cell file provenance is not readable: its texts do not fill its "
          + len + " bytes");
    }
  }

  /**
   * The provenance a file records at {@code b[off, off + len)}, its layout checked; unknown for a
   * length of -1 (format 1). The file owner is the file system's to say, not the file's.
   */
  private static Provenance decodeProvenance(byte[] b, int off, int len) {
    if (len < 0) return Provenance.UNKNOWN;
    ByteBuffer in = ByteBuffer.wrap(b, off, len).order(ByteOrder.LITTLE_ENDIAN);
    long pid = in.getLong();
    long written = in.getLong();
    String user = getString(in);
    String host = getString(in);
    String jdk = getString(in);
    String memokit = getString(in);
    String code = getString(in);
    return new Provenance(user, "", host, pid, written, jdk, memokit, code);
  }

  private static void putBytes(ByteBuffer out, byte[] u) {
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
