package io.memokit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one size rule: a number, decimals allowed, and a unit in any spelling, always a power of 1024. */
class UnitsTest {

  private static final long GIB = 1L << 30;

  @Test
  void everySpellingOfAUnitIsAPowerOf1024() {
    for (String s : List.of("1.5gb", "1.5GB", "1.5g", "1.5G", "1.5GiB", "1.5gib", "1.5 GB")) {
      assertEquals(GIB + GIB / 2, Units.bytes("SIZE", s), s);
    }
    assertEquals(0, Units.bytes("SIZE", "0"));
    assertEquals(1500, Units.bytes("SIZE", "1500"));
    assertEquals(1500, Units.bytes("SIZE", "1500b"));
    assertEquals(512, Units.bytes("SIZE", "0.5k"));
    assertEquals(500L << 20, Units.bytes("SIZE", "500M"));
    assertEquals(2L << 40, Units.bytes("SIZE", "2TiB"));
    assertEquals(102, Units.bytes("SIZE", "0.1kb"), "a fraction of a byte is dropped");
  }

  @Test
  void aWrongSizeIsAUsageErrorNamingTheArgumentAndTheRule() {
    for (String s : List.of("lots", "-1", "1,5g", "1e9", "1.5p", "1.5ib", "gb", "1.5 g b", "")) {
      CliError e = assertThrows(CliError.class, () -> Units.bytes("limit: SIZE", s), s);
      assertEquals(CliError.USAGE, e.exitStatus());
      assertTrue(e.getMessage().startsWith("limit: SIZE must be a size, not " + s + ": ") && e.getMessage().endsWith(Units.RULE),
          e.getMessage());
    }
    CliError huge = assertThrows(CliError.class, () -> Units.bytes("limit: SIZE", "9000000tb"));
    assertTrue(huge.getMessage().startsWith("limit: SIZE is too large: 9000000tb"), huge.getMessage());
  }
}
