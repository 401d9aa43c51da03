package io.memokit.cell;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Things a user must be told in words, once per process and subject: one line on the standard error
 * stream in force when it happens (a notebook kernel shows it under the cell that caused it), and a
 * DEBUG record of logger {@code io.memokit}.
 */
public final class Notice {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final Set<String> TOLD = ConcurrentHashMap.newKeySet();

  private Notice() {}

  /** Prints {@code text} unless a notice with the same {@code subject} was printed in this process. */
  public static void once(String subject, String text) {
    if (!TOLD.add(subject)) return;
    ConsoleLine.println(System.err, "memokit: " + text);
    LOG.log(System.Logger.Level.DEBUG, text);
  }
}
