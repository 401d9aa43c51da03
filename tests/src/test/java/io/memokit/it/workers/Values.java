package io.memokit.it.workers;

/** Deterministic values of a key, so any process can check what it got. */
public final class Values {

  private Values() {}

  /**
   * Content derived from the key: for even keys between 100 bytes and 12 KiB (kept in a block's
   * values log), for odd keys between 1 KiB and {@code maxKiB} KiB (most in files of their own).
   */
  public static byte[] of(int key, int maxKiB) {
    int size = key % 2 == 0 ? 100 + (int) ((key * 2654435761L) % (12 * 1024 - 100))
        : 1024 + (int) ((key * 2654435761L) % Math.max(1, (maxKiB - 1) * 1024L));
    byte[] b = new byte[size];
    long x = key * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  public static boolean check(int key, int maxKiB, byte[] got) {
    return java.util.Arrays.equals(of(key, maxKiB), got);
  }
}
