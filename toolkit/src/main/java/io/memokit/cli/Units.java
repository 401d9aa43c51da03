package io.memokit.cli;

import java.util.Locale;

/** How the command line reads sizes a user writes ({@code 500M}, {@code 1.5G}: powers of 1024). */
final class Units {

  private Units() {}

  /**
   * A size as a user writes it: {@code 0}, {@code 1500}, {@code 500K}, {@code 1.5G}, {@code 10GiB},
   * {@code 2TB} (K, M, G, T with or without B or iB, all in powers of 1024); {@code -1} if it is not one.
   */
  static long parseBytes(String text) {
    var m = java.util.regex.Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?\\s*").matcher(text);
    if (!m.matches()) return -1;
    int power = m.group(2).isEmpty() ? 0 : "KMGTP".indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
    double v = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
    return v > Long.MAX_VALUE ? -1 : (long) v;
  }
}
