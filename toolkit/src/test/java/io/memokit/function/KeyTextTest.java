package io.memokit.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A cell's arguments in words, read back from its key: what the caller passed, bounded, never another key's. */
class KeyTextTest {

  enum Color { RED }

  record Point(int x, String label) {}

  private static String text(Object... args) {
    CellKey k = KeyWriter.key(args);
    return KeyText.arguments(k.encoding(), k.hashHi(), k.hashLo());
  }

  @Test
  void valuesReadBackAsTheCallerWroteThem() {
    assertEquals("(7, \"abc\")", text(7, "abc"));
    assertEquals("()", text());
    assertEquals("(null, true, 3L, 2.5, 1.5f, 'c', (byte) 1)".replace("(byte) 1", "1"),
        text(null, true, 3L, 2.5, 1.5f, 'c', (byte) 1));
    assertEquals("([1, 2, 3], {\"a\"=1}, {5})", text(List.of(1, 2, 3), Map.of("a", 1), Set.of(5)));
    assertEquals("(Point[4, \"p\"], Color.RED, Optional[2], Optional.empty)",
        text(new Point(4, "p"), Color.RED, Optional.of(2), Optional.empty()));
    assertEquals("(int[1000], 12.50, /data/x.csv)", text(new int[1000], new BigDecimal("12.50"), Path.of("/data/x.csv")));
  }

  @Test
  void longTextIsCutAndValuesItCannotGiveBackEndIt() {
    String cut = text("x".repeat(500), 1);
    assertEquals(KeyText.MAX_CHARS, cut.length());
    assertTrue(cut.startsWith("(\"xxx") && cut.endsWith("..."), cut);
    assertEquals("(1, ...", text(1, LocalDate.of(2026, 1, 1), 2));
  }

  /** A crafted key hashed as a writer could hash it: its hash is no secret. */
  private static String crafted(byte[] encoding) {
    Murmur3 h = new Murmur3();
    h.reset();
    h.update(encoding, 0, encoding.length);
    long[] hash = new long[2];
    h.finish(hash);
    return KeyText.arguments(encoding, hash[0], hash[1]);
  }

  @Test
  void aCraftedKeyIsCutNeverReadBeyondItsBytesOrDeeperThanTheLimit() {
    byte[] format = KeyWriter.key(new Object[] {1}).encoding();
    byte[] huge = {format[0], 1, KeyWriter.STRING, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'x'};
    assertEquals("(...", crafted(huge), "a string claiming 2 GiB allocates nothing");
    byte[] deep = new byte[2 + 1_000_000 + 1];
    deep[0] = format[0];
    deep[1] = 1;
    java.util.Arrays.fill(deep, 2, deep.length - 1, (byte) KeyWriter.OPTIONAL);
    deep[deep.length - 1] = KeyWriter.NULL;
    String shown = crafted(deep);
    assertTrue(shown.startsWith("(Optional[Optional[") && shown.endsWith("..."), "nesting a million deep is cut: "
        + shown);
  }

  @Test
  void aKeyThatDoesNotHashToTheCellIsNotRead() {
    CellKey k = KeyWriter.key(new Object[] {7});
    assertNull(KeyText.arguments(k.encoding(), k.hashHi() ^ 1, k.hashLo()));
    assertNull(KeyText.arguments(null, 0, 0));
  }
}
