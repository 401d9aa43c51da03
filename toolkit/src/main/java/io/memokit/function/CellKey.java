package io.memokit.function;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The canonical key of one call's arguments: the encoding itself when it is at most
 * {@link KeyWriter#STORED_LIMIT} bytes, always its 128-bit hash, and the versioned functions the
 * arguments contain. Two keys are equal when their hashes and (stored) encodings are equal.
 *
 * <p>An encoding of at most {@value #INLINE_MAX} bytes (one or two small arguments) is held in two
 * fields of the key, not in an array of its own: a process remembers a key per cell, and one object
 * fewer per cell is one memory access fewer per hit and less for each garbage collection to copy.
 */
public class CellKey {

  /** Longest encoding held in {@link #w0} and {@link #w1}. */
  static final int INLINE_MAX = 16;
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** What {@link #inlineLength} says of an encoding held in {@link #encoding}, or not kept at all. */
  private static final int NOT_INLINE = -1;

  /** The encoding when it is longer than {@value #INLINE_MAX} bytes and kept; else {@code null}. */
  private final byte[] encoding;
  /** The length of an encoding held inline, or {@link #NOT_INLINE}. */
  private final int inlineLength;
  /** An inline encoding's bytes 0-7 and 8-15, little-endian, zero past its length. */
  private final long w0;
  private final long w1;
  private final long hi;
  private final long lo;
  private final List<FunctionId> dependencies;

  /**
   * The key of the encoding {@code buf[0..length)}, kept ({@code kept}) or only hashed; the
   * buffer is copied, never held.
   */
  CellKey(byte[] buf, int length, boolean kept, long hi, long lo, List<FunctionId> dependencies) {
    this.hi = hi;
    this.lo = lo;
    this.dependencies = dependencies;
    if (kept && length <= INLINE_MAX) {
      this.encoding = null;
      this.inlineLength = length;
      this.w0 = word(buf, 0, length);
      this.w1 = word(buf, 8, length);
    } else {
      this.encoding = kept ? Arrays.copyOf(buf, length) : null;
      this.inlineLength = NOT_INLINE;
      this.w0 = 0;
      this.w1 = 0;
    }
  }

  /**
   * A copy of {@code key}, for a subclass that is remembered under its own key (one object where a
   * map would hold the key and its entry apart). Subclasses keep the key's {@code equals} and
   * {@code hashCode}: a key equals every key of the same encoding and hash, whatever its class.
   */
  protected CellKey(CellKey key) {
    this.encoding = key.encoding;
    this.inlineLength = key.inlineLength;
    this.w0 = key.w0;
    this.w1 = key.w1;
    this.hi = key.hi;
    this.lo = key.lo;
    this.dependencies = key.dependencies;
  }

  /** Bytes {@code off..off+7} of {@code b[0..length)}, little-endian, zero past {@code length}. */
  static long word(byte[] b, int off, int length) {
    if (off + 8 <= length) return (long) LONG_LE.get(b, off);
    if (off >= length) return 0;
    if (off + 8 <= b.length) { // a writer's buffer, longer than its key: one read, the bytes past length masked off
      return (long) LONG_LE.get(b, off) & (-1L >>> (64 - 8 * (length - off)));
    }
    long w = 0;
    for (int i = Math.min(length, off + 8) - 1; i >= off; i--) w = (w << 8) | (b[i] & 0xffL);
    return w;
  }

  /**
   * The canonical encoding (a short one held inline comes back as a new array at each call), or
   * {@code null} when it was too large to keep (the hash then stands for it).
   */
  public byte[] encoding() {
    if (inlineLength == NOT_INLINE) return encoding;
    byte[] b = new byte[inlineLength];
    for (int i = 0; i < inlineLength; i++) b[i] = (byte) ((i < 8 ? w0 >>> (8 * i) : w1 >>> (8 * (i - 8))));
    return b;
  }

  /** Whether the encoding was kept (it was at most {@link KeyWriter#STORED_LIMIT} bytes). */
  public boolean kept() {
    return inlineLength != NOT_INLINE || encoding != null;
  }

  /** Whether this key's kept encoding is {@code buf[0..length)}. */
  boolean encodes(byte[] buf, int length) {
    if (inlineLength != NOT_INLINE) {
      return length == inlineLength && w0 == word(buf, 0, length) && w1 == word(buf, 8, length);
    }
    return encoding != null && Arrays.equals(encoding, 0, encoding.length, buf, 0, length);
  }

  public long hashHi() {
    return hi;
  }

  public long hashLo() {
    return lo;
  }

  /** Versioned functions found at any depth of the arguments, in order of first appearance. */
  public List<FunctionId> dependencies() {
    return dependencies;
  }

  /** 32 lower-case hex digits of the hash: the cell's file name. */
  public String hex() {
    return toHex(hi) + toHex(lo);
  }

  private static String toHex(long v) {
    String s = Long.toHexString(v);
    return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
  }

  /** Whether this key is the one a cell file recorded (its hash and, when kept, its encoding). */
  public boolean sameAs(long otherHi, long otherLo, byte[] otherEncoding) {
    return hi == otherHi && lo == otherLo && (!kept() || otherEncoding == null || encodes(otherEncoding, otherEncoding.length));
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof CellKey k && k.hi == hi && k.lo == lo && k.inlineLength == inlineLength && k.w0 == w0
        && k.w1 == w1 && Arrays.equals(k.encoding, encoding);
  }

  @Override
  public final int hashCode() {
    return inlineLength != NOT_INLINE ? inlineHashCode(w0, w1, inlineLength) : hashCodeOf(hi);
  }

  /** The hash code of a key held by its hash. */
  static int hashCodeOf(long hi) {
    return (int) (hi ^ (hi >>> 32));
  }

  /**
   * The hash code of a key held inline, from its bytes: a lookup by a short key (a {@link KeyWriter.Probe})
   * need not compute the 128-bit hash, which is a function of the same bytes.
   */
  static int inlineHashCode(long w0, long w1, int length) {
    long h = Murmur3.fmix(w0 ^ Long.rotateLeft(w1 * 0x9E3779B97F4A7C15L, 29) ^ length);
    return (int) (h ^ (h >>> 32));
  }

  /** Whether this key is held inline with these bytes ({@code w0}, {@code w1}, as {@link #word} reads them). */
  boolean holdsInline(int length, long w0, long w1) {
    return inlineLength == length && this.w0 == w0 && this.w1 == w1;
  }

  @Override
  public String toString() {
    return "CellKey[" + hex() + (kept() ? ", " + (inlineLength != NOT_INLINE ? inlineLength : encoding.length) + " bytes" : ", large") + "]";
  }
}
