package io.memokit.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the command line reads a size a user writes, by one rule ({@link #RULE}): a number, decimals
 * allowed, with an optional unit {@code b}, {@code kb}, {@code mb}, {@code gb} or {@code tb}, in any
 * case, the {@code b} optional and an {@code i} allowed before it ({@code 1.5g}, {@code 1.5gb},
 * {@code 1.5GB} and {@code 1.5GiB} are the same size). Every unit is a power of 1024, as the tables
 * print sizes ({@code 1.5 GiB}): {@code 1.5gb} is 1.5 × 1024³ bytes. A fraction of a byte is dropped.
 */
final class Units {

  /** The rule, as the help and the errors state it. */
  static final String RULE = "a number with an optional unit b, kb, mb, gb, tb (any case, optional i: KiB = kb = k); "
      + "units are powers of 1024: 1.5gb = 1.5 * 1024^3 bytes";

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|([kmgt])(?:i?b)?)?",
      Pattern.CASE_INSENSITIVE);

  private Units() {}

  /**
   * The bytes {@code text} says, by {@link #RULE}; a {@link CliError} naming {@code argument}
   * ({@code limit: SIZE}), {@code text} and the rule if it is not a size or over {@link Long#MAX_VALUE}.
   */
  static long bytes(String argument, String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) throw CliError.usage(argument + " must be a size, not " + text + ": " + RULE);
    int power = m.group(3) == null ? 0 : "kmgt".indexOf(m.group(3).toLowerCase(Locale.ROOT)) + 1;
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power))
        .setScale(0, RoundingMode.DOWN);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw CliError.usage(argument + " is too large: " + text + " is over " + Long.MAX_VALUE + " bytes");
    }
    return bytes.longValueExact();
  }
}
