package io.memokit.function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Keys held inline (short encodings) or in an array behave alike: equality, encoding, file match. */
class CellKeyTest {

  private static CellKey key(byte[] buf, int length) {
    return new CellKey(buf, length, true, 7, 9, List.of());
  }

  @Test
  void everyLengthGivesBackItsEncodingAndEqualsOnlyTheSameBytes() {
    Random r = new Random(3);
    for (int n = 0; n <= 40; n++) {
      byte[] bytes = new byte[n];
      r.nextBytes(bytes);
      byte[] buffer = Arrays.copyOf(bytes, n + 24); // a writer's buffer: bytes past the key are left over
      Arrays.fill(buffer, n, buffer.length, (byte) 0x5a);
      CellKey k = key(buffer, n);
      assertArrayEquals(bytes, k.encoding(), "length " + n);
      assertTrue(k.kept());
      assertTrue(k.encodes(buffer, n), "length " + n);
      assertTrue(k.sameAs(7, 9, bytes));
      assertEquals(k, key(bytes, n));
      assertEquals(k.hashCode(), key(bytes, n).hashCode());
      for (int i = 0; i < n; i++) {
        byte[] other = bytes.clone();
        other[i] ^= 1;
        assertNotEquals(k, key(other, n), "length " + n + ", byte " + i + " differs");
        assertFalse(k.encodes(other, n));
        assertFalse(k.sameAs(7, 9, other));
      }
      if (n > 0) {
        assertNotEquals(k, key(bytes, n - 1), "a shorter key of the same first bytes");
        assertFalse(k.encodes(bytes, n - 1));
      }
      byte[] zeroed = Arrays.copyOf(bytes, n + 1); // one more byte, a zero: differs only by length
      assertNotEquals(k, key(zeroed, n + 1), "length " + n + " against its zero-padded " + (n + 1));
      assertFalse(key(zeroed, n + 1).encodes(buffer, n));
    }
  }

  @Test
  void aKeyHashedOnlyEqualsOnlyAnotherHashedOnly() {
    CellKey large = new CellKey(new byte[0], 0, false, 7, 9, List.of());
    assertFalse(large.kept());
    assertEquals(null, large.encoding());
    assertEquals(large, new CellKey(new byte[3], 3, false, 7, 9, List.of()));
    assertNotEquals(large, key(new byte[0], 0));
    assertTrue(large.sameAs(7, 9, new byte[] {1, 2}), "only the hash stands for a key too large to keep");
    assertFalse(large.sameAs(7, 8, null));
  }
}
