package io.memokit.cell;

import java.io.PrintStream;

/**
 * The console's one line drawn in place ({@code \r} and the text, redrawn as it changes: a sweep's
 * progress on a terminal), and the lines printed while it is shown. memokit's lines (the trace,
 * notices) are printed through {@link #println}, which clears the in-place line first and draws it
 * again after, so that no line starts in the middle of another. One owner draws at a time; another's
 * {@link #draw} is refused until the owner {@link #end}s its line.
 */
public final class ConsoleLine {

  private static final Object LOCK = new Object();
  /** Who draws the in-place line; null when none is shown. */
  private static Object owner;
  private static PrintStream drawnOn;
  private static String shown = "";

  private ConsoleLine() {}

  /** Prints {@code line} and a newline on {@code out}, clearing the in-place line before and drawing it again after. */
  public static void println(PrintStream out, String line) {
    synchronized (LOCK) {
      if (owner == null) {
        out.println(line);
        return;
      }
      drawnOn.print("\r" + " ".repeat(shown.length()) + "\r");
      drawnOn.flush();
      out.println(line);
      out.flush();
      drawnOn.print(shown);
      drawnOn.flush();
    }
  }

  /**
   * Draws {@code text} in place on {@code out} for {@code drawer}, over the line it drew before;
   * false (and nothing drawn) while another drawer's line is shown.
   */
  public static boolean draw(Object drawer, PrintStream out, String text) {
    synchronized (LOCK) {
      if (owner != null && owner != drawer) return false;
      owner = drawer;
      drawnOn = out;
      replace(text);
      return true;
    }
  }

  /**
   * Ends {@code drawer}'s in-place line with {@code text} and a newline; the console has no in-place
   * line after. If {@code drawer} has none shown, prints {@code text} as {@link #println} does.
   */
  public static void end(Object drawer, PrintStream out, String text) {
    synchronized (LOCK) {
      if (owner != drawer) {
        println(out, text);
        return;
      }
      replace(text);
      drawnOn.println();
      drawnOn.flush();
      owner = null;
      drawnOn = null;
      shown = "";
    }
  }

  /** Draws {@code text} over the line shown, clearing what a shorter text would leave of it. */
  private static void replace(String text) {
    String clear = text.length() < shown.length() ? " ".repeat(shown.length()) + "\r" : "";
    drawnOn.print("\r" + clear + text);
    drawnOn.flush();
    shown = text;
  }
}
