package io.memokit.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the command line writes sizes (B, KiB, MiB, ...) and times (local, to the second). */
final class Units {

  private static final String[] PREFIXES = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());

  private Units() {}

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}: one decimal from KiB on, in powers of 1024. */
  static String bytes(long n) {
    if (n < 1024) return n + " B";
    double v = n;
    int i = -1;
    while (v >= 1024 && i < PREFIXES.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, PREFIXES[i]);
  }

  /** {@code 2026-11-25 14:32:13}, in this machine's time zone. */
  static String time(Instant t) {
    return TIME.format(t);
  }
}
