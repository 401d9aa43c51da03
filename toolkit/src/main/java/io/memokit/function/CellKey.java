package io.memokit.function;

import java.util.Arrays;
import java.util.List;

/**
 * The canonical key of one call's arguments: the encoding itself when it is at most
 * {@link KeyWriter#STORED_LIMIT} bytes, always its 128-bit hash, and the versioned functions the
 * arguments contain. Two keys are equal when their hashes and (stored) encodings are equal.
 */
public final class CellKey {

  private final byte[] encoding;
  private final long hi;
  private final long lo;
  private final List<FunctionId> dependencies;

  CellKey(byte[] encoding, long hi, long lo, List<FunctionId> dependencies) {
    this.encoding = encoding;
    this.hi = hi;
    this.lo = lo;
    this.dependencies = dependencies;
  }

  /** The canonical encoding, or {@code null} when it was too large to keep (the hash then stands for it). */
  public byte[] encoding() {
    return encoding;
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
    return hi == otherHi && lo == otherLo
        && (encoding == null || otherEncoding == null || Arrays.equals(encoding, otherEncoding));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CellKey k && k.hi == hi && k.lo == lo && Arrays.equals(k.encoding, encoding);
  }

  @Override
  public int hashCode() {
    return hashCodeOf(hi);
  }

  static int hashCodeOf(long hi) {
    return (int) (hi ^ (hi >>> 32));
  }

  @Override
  public String toString() {
    return "CellKey[" + hex() + (encoding == null ? ", large" : ", " + encoding.length + " bytes") + "]";
  }
}
