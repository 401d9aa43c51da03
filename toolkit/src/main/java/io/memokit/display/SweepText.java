package io.memokit.display;

import io.memokit.cell.ConsoleLine;
import java.io.Console;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A sweep's progress line outside a notebook kernel. Nothing for a sweep shorter than 2 s. On a
 * terminal, one line redrawn in place ({@link ConsoleLine}: a trace line or a notice printed
 * meanwhile clears it first and it is drawn again below) at most 4 times a second, from 2 s on,
 * and ended by the final line. Elsewhere (a pipe, a file, a log), a line every 5 s and the final
 * line. Lines are drawn as the sweep's inputs resolve, so a long input holds the line still.
 */
final class SweepText {

  /** How long a sweep runs before anything is printed. */
  static final long QUIET_NANOS = 2_000_000_000L;
  /** The shortest time between two drawings of the line on a terminal. */
  static final long REDRAW_NANOS = 250_000_000L;
  /** The time between two lines elsewhere, and before the first. */
  static final long LINE_NANOS = 5_000_000_000L;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private final long start;
  /** When the first line is due, after the start; and the next, after the last. */
  private final long first;
  private final long every;
  private long last;
  private boolean printed;
  private boolean finished;

  /** The line on {@code out}, redrawn in place if {@code terminal}, timed by {@code nanoTime}. */
  SweepText(PrintStream out, boolean terminal, LongSupplier nanoTime) {
    this.start = nanoTime.getAsLong();
    this.first = terminal ? QUIET_NANOS : LINE_NANOS;
    this.every = terminal ? REDRAW_NANOS : LINE_NANOS;
    this.out = out;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
  }

  /** On standard output, redrawn in place if it is a terminal. */
  static SweepText onStandardOutput() {
    return new SweepText(System.out, isTerminal(), System::nanoTime);
  }

  /**
   * Whether this JVM runs on a terminal: it has a console, and from JDK 22 on (where a console may
   * be a pipe) the console says it is a terminal.
   */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) return false;
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException beforeJdk22) {
      return true;
    }
  }

  /** The sweep's progress is now {@code line}: drawn or printed if it is time to. */
  void update(String line) {
    long now = nanoTime.getAsLong();
    if (now - (printed ? last + every : start + first) < 0) return;
    last = now;
    if (!terminal) {
      ConsoleLine.println(out, line);
      printed = true;
    } else if (ConsoleLine.draw(this, out, line)) {
      printed = true;
    }
  }

  /** The sweep ended with {@code line}: printed once (ending the line drawn in place) unless the sweep was quick. */
  void finish(String line) {
    if (finished || !printed && nanoTime.getAsLong() - start < QUIET_NANOS) return;
    finished = true;
    ConsoleLine.end(this, out, line);
  }
}
