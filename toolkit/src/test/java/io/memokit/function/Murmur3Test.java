package io.memokit.function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Murmur3Test {

  /** The public reference vector of MurmurHash3 x64 128 (seed 0), as published with Guava's murmur3_128. */
  @Test
  void matchesTheReferenceVector() {
    long[] h = Murmur3.hash("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8));
    assertEquals(0xe34bbc7bbc071b6cL, h[0]);
    assertEquals(0x7a433ca9c49a9347L, h[1]);
    long[] empty = Murmur3.hash(new byte[0]);
    assertEquals(0L, empty[0]);
    assertEquals(0L, empty[1]);
  }

  @Test
  void streamingInAnyChunksGivesTheOneShotHash() {
    Random r = new Random(1);
    for (int n : new int[] {1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 100, 1000, 65_537}) {
      byte[] b = new byte[n];
      r.nextBytes(b);
      long[] whole = Murmur3.hash(b);
      Murmur3 m = new Murmur3();
      for (int off = 0; off < n; ) {
        int len = Math.min(n - off, 1 + r.nextInt(40));
        m.update(b, off, len);
        off += len;
      }
      long[] chunked = new long[2];
      m.finish(chunked);
      assertArrayEquals(whole, chunked, "length " + n);
      long[] again = new long[2];
      byte[] longer = Arrays.copyOf(b, n + 7); // bytes past the length are not hashed
      m.hashWhole(longer, n, again); // a hasher used before starts afresh
      assertArrayEquals(whole, again, "length " + n + ", one pass on a used hasher");
    }
  }

  @Test
  void wordsFedAtAnyOffsetHashAsTheirLittleEndianBytes() {
    Random r = new Random(2);
    for (int before = 0; before <= 33; before++) {
      for (int words = 0; words <= 9; words++) {
        for (int after = 0; after <= 17; after += 17 - after > 9 ? 9 : 1) {
          byte[] head = new byte[before];
          byte[] tail = new byte[after];
          r.nextBytes(head);
          r.nextBytes(tail);
          long[] w = new long[words];
          java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(before + 8 * words + after)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(head);
          for (int i = 0; i < words; i++) bytes.putLong(w[i] = r.nextLong());
          bytes.put(tail);
          Murmur3 m = new Murmur3();
          m.update(head, 0, before);
          m.beginWords();
          int i = 0;
          for (; i + 2 <= words && r.nextBoolean(); i += 2) m.words(w[i], w[i + 1]); // pairs, then singles
          for (; i < words; i++) m.word(w[i]);
          m.endWords();
          m.update(tail, 0, after);
          long[] fed = new long[2];
          m.finish(fed);
          assertArrayEquals(Murmur3.hash(bytes.array()), fed, before + " bytes, " + words + " words, " + after + " bytes");
        }
      }
    }
  }
}
