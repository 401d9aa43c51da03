package io.memokit.cell;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Cache events, one line each: {@code [proc PID @ HH:MM:SS] Cache<DIR:NAME{VERSION}(ARITY)> EVENT(ID)},
 * followed for a WAIT by whom it waits for ({@code for proc 4711 on host-a since 14:32:13}, or
 * {@code for thread NAME of this process}). DIR is the store as {@link #shown} names it: relative to
 * the working directory when the store lies below it.
 * Printed to standard output when enabled ({@code trace(true)}), through {@link ConsoleLine} (never into
 * a progress line drawn in place), always logged through
 * {@link System.Logger} (logger {@code io.memokit.trace}, level DEBUG), and passed to listeners
 * (notebook progress bars, tests).
 */
public final class Trace {

  /** The events: see docs/guide.md ("The trace") for their meaning. */
  public enum Kind { MISS, HIT, WAIT, OVERFLOW, LOST, TAKEOVER }

  /**
   * One event. {@code n} is the cell id, or for OVERFLOW the number of cells evicted; {@code detail}
   * follows the event on its line (for a WAIT, whom it waits for), or is empty.
   */
  public record Event(long pid, LocalTime time, String store, String block, Kind kind, long n, String detail) {
    public String line() {
      return "[proc " + pid + " @ " + time.format(Clock.FORMAT) + "] Cache<" + shown(store) + ":" + block + "> " + kind + "(" + n + ")"
          + (detail.isEmpty() ? "" : " " + detail);
    }
  }

  /**
   * The clock's format, made when the first line is written, not when the first call is traced: a
   * process that neither prints nor logs its trace never loads the JDK's formatting machinery.
   */
  private static final class Clock {
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("HH:mm:ss");
  }

  private static final System.Logger LOG = System.getLogger("io.memokit.trace");
  private static final long PID = ProcessHandle.current().pid();
  private static final List<Consumer<Event>> LISTENERS = new CopyOnWriteArrayList<>();
  private static volatile boolean printing;

  private Trace() {}

  /** The working directory, as the real path a directory store's location is. */
  private static final class WorkingDirectory {
    static final Path REAL = real();

    private static Path real() {
      Path cwd = Path.of("").toAbsolutePath();
      try {
        return cwd.toRealPath();
      } catch (IOException | SecurityException e) {
        return cwd;
      }
    }
  }

  /**
   * A store's location as traces and notebook tables show it: a directory below the working
   * directory (not {@code /}) relative to it ({@code notebook-demo-store} for a notebook's store
   * beside it, {@code .} for the working directory itself), so that what a notebook or a script prints does not depend on
   * where the project lies on a machine; any other location (a directory elsewhere, a database URL)
   * as it is.
   */
  public static String shown(String location) {
    if (!location.startsWith("/")) return location;
    try {
      Path path = Path.of(location);
      Path cwd = WorkingDirectory.REAL;
      if (cwd.getNameCount() == 0 || !path.startsWith(cwd)) return location; // from "/", every path would be "below"
      String relative = cwd.relativize(path).toString();
      return relative.isEmpty() ? "." : relative;
    } catch (InvalidPathException e) {
      return location;
    }
  }

  public static void print(boolean on) {
    printing = on;
  }

  public static void addListener(Consumer<Event> listener) {
    LISTENERS.add(listener);
  }

  public static void removeListener(Consumer<Event> listener) {
    LISTENERS.remove(listener);
  }

  static void event(String store, String block, Kind kind, long n, String detail) {
    boolean log = LOG.isLoggable(System.Logger.Level.DEBUG);
    if (!printing && !log && LISTENERS.isEmpty()) return;
    Event e = new Event(PID, LocalTime.now(), store, block, kind, n, detail);
    if (printing) ConsoleLine.println(System.out, e.line());
    if (log) LOG.log(System.Logger.Level.DEBUG, e.line());
    for (Consumer<Event> l : LISTENERS) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        LOG.log(System.Logger.Level.WARNING, "memokit: a trace listener failed: " + ex);
      }
    }
  }
}
