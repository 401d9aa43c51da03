package io.memokit.function;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Streaming MurmurHash3 x64 128-bit (Austin Appleby's public-domain algorithm), written from its
 * specification. Keys are hashed with it because it runs at several GB/s in Java and its 128 bits
 * make an accidental collision between two argument lists practically impossible.
 */
public final class Murmur3 {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private long h1;
  private long h2;
  private long length;
  private final byte[] tail = new byte[16];
  private int tailLength;

  void reset() {
    h1 = 0;
    h2 = 0;
    length = 0;
    tailLength = 0;
    carried = 0;
    halfPending = false;
  }

  void update(byte[] b, int off, int len) {
    length += len;
    if (tailLength > 0) {
      int take = Math.min(16 - tailLength, len);
      System.arraycopy(b, off, tail, tailLength, take);
      tailLength += take;
      off += take;
      len -= take;
      if (tailLength < 16) return;
      block((long) LONG_LE.get(tail, 0), (long) LONG_LE.get(tail, 8));
      tailLength = 0;
    }
    int end = off + (len & ~15);
    for (int i = off; i < end; i += 16) {
      block((long) LONG_LE.get(b, i), (long) LONG_LE.get(b, i + 8));
    }
    int rest = len & 15;
    if (rest > 0) {
      System.arraycopy(b, end, tail, 0, rest);
      tailLength = rest;
    }
  }

  // ---- words: 8 bytes at a time, read from the caller's values, never copied into a buffer -------

  /** Bytes of the stream pending below a word boundary (0 to 7), and their count, while words are fed. */
  private long carry;
  private int carried;
  /** A block's first word, waiting for its second, while words are fed. */
  private long half;
  private boolean halfPending;

  /**
   * Starts feeding words ({@link #words}, {@link #word}): whatever bytes wait in the tail become a
   * pending half block and carried bytes, so that the words hash as their little-endian bytes would.
   */
  void beginWords() {
    halfPending = tailLength >= 8;
    half = halfPending ? (long) LONG_LE.get(tail, 0) : 0;
    carried = tailLength & 7;
    carry = 0;
    int from = tailLength - carried;
    for (int i = carried - 1; i >= 0; i--) carry = (carry << 8) | (tail[from + i] & 0xffL);
    tailLength = 0;
  }

  /** Two words, as their 16 little-endian bytes. */
  void words(long a, long b) {
    long w1;
    long w2;
    if (carried == 0) {
      w1 = a;
      w2 = b;
    } else {
      int up = carried << 3;
      w1 = carry | a << up;
      w2 = a >>> (64 - up) | b << up;
      carry = b >>> (64 - up);
    }
    if (halfPending) {
      block(half, w1);
      half = w2;
    } else {
      block(w1, w2);
    }
    length += 16;
  }

  /** One word, as its 8 little-endian bytes. */
  void word(long a) {
    long w;
    if (carried == 0) {
      w = a;
    } else {
      int up = carried << 3;
      w = carry | a << up;
      carry = a >>> (64 - up);
    }
    if (halfPending) block(half, w);
    else half = w;
    halfPending = !halfPending;
    length += 8;
  }

  /** Ends feeding words: the pending half block and carried bytes go back to the tail. */
  void endWords() {
    int n = 0;
    if (halfPending) {
      LONG_LE.set(tail, 0, half);
      n = 8;
    }
    for (int i = 0; i < carried; i++) tail[n++] = (byte) (carry >>> (i << 3));
    tailLength = n;
    halfPending = false;
    carried = 0;
  }

  private void block(long k1, long k2) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    k1 *= C2;
    h1 ^= k1;
    h1 = Long.rotateLeft(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    k2 *= C1;
    h2 ^= k2;
    h2 = Long.rotateLeft(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  /** Finishes the hash; {@code out[0]} and {@code out[1]} receive its two halves. */
  void finish(long[] out) {
    finish(tail, 0, tailLength, out);
  }

  /**
   * The hash of {@code b[0..length)} in one pass, the same as {@link #reset}, {@link #update} and
   * {@link #finish} give, without copying the last bytes aside; {@code out} receives its two halves.
   */
  void hashWhole(byte[] b, int length, long[] out) {
    reset();
    this.length = length;
    int end = length & ~15;
    for (int i = 0; i < end; i += 16) {
      block((long) LONG_LE.get(b, i), (long) LONG_LE.get(b, i + 8));
    }
    finish(b, end, length - end, out);
  }

  /** Finishes the hash with its last {@code rest} (under 16) bytes, at {@code off} in {@code t}. */
  private void finish(byte[] t, int off, int rest, long[] out) {
    long k1 = 0;
    long k2 = 0;
    for (int i = rest - 1; i >= 8; i--) k2 = (k2 << 8) | (t[off + i] & 0xffL);
    for (int i = Math.min(rest, 8) - 1; i >= 0; i--) k1 = (k1 << 8) | (t[off + i] & 0xffL);
    if (rest > 8) {
      k2 *= C2;
      k2 = Long.rotateLeft(k2, 33);
      k2 *= C1;
      h2 ^= k2;
    }
    if (rest > 0) {
      k1 *= C1;
      k1 = Long.rotateLeft(k1, 31);
      k1 *= C2;
      h1 ^= k1;
    }
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    out[0] = h1;
    out[1] = h2;
  }

  /** MurmurHash3's 64-bit finalizer: mixes every bit of {@code k} into every bit of the result. */
  public static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  static long[] hash(byte[] b) {
    long[] out = new long[2];
    new Murmur3().hashWhole(b, b.length, out);
    return out;
  }
}
