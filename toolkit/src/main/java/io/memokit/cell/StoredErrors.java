package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.codec.ValueReader.Salvaged;
import io.memokit.codec.StoredThrowable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Stored exceptions as they are re-thrown: the exception itself, with a suppressed note saying
 * where it came from (process, host, time, cell) and how to forget it, so that a user is not sent
 * looking for a computation that ran yesterday elsewhere; an exception whose class this process
 * lacks becomes a {@link MemoException} naming that class, with the stored message and stack.
 */
final class StoredErrors {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());
  private static final String NOTE = "stored by ";

  private StoredErrors() {}

  /** The exception to throw for a stored error cell's value; {@code function} is its name, for the advice. */
  static Throwable rethrowable(Object stored, long cellId, String block, String function) {
    Object error = stored;
    String origin = "";
    if (stored instanceof StoredError e) {
      error = e.error();
      origin = "process " + e.pid() + " on " + e.host() + " at " + WHEN.format(Instant.ofEpochMilli(e.storedAtMillis()))
          + " ";
    }
    Throwable t = error instanceof Throwable th ? th
        : error instanceof StoredThrowable st ? st.rebuild()
        : error instanceof Salvaged s ? fromSalvaged(s, function)
        : new MemoException("cell " + cellId + " of " + block + " holds a stored error memokit cannot show ("
            + (error == null ? "null" : error.getClass().getName()) + ")");
    addNote(t, NOTE + origin + "as cell " + cellId + " of " + block + "; " + function + ".clearErrors() forgets it");
    return t;
  }

  /** Adds the note once: an exception kept in memory is re-thrown by every later hit. */
  private static synchronized void addNote(Throwable t, String text) {
    for (Throwable s : t.getSuppressed()) {
      if (s instanceof MemoException && String.valueOf(s.getMessage()).startsWith(NOTE)) return;
    }
    MemoException note = new MemoException(text);
    note.setStackTrace(new StackTraceElement[0]);
    t.addSuppressed(note);
  }

  /** A stored exception whose class this process lacks: its class name, message, stack and causes, as a MemoException. */
  private static MemoException fromSalvaged(Salvaged s, String function) {
    Map<String, Object> f = s.fields();
    MemoException e = new MemoException(s.className() + ": " + f.get("java.lang.Throwable.detailMessage")
        + " (a stored exception whose class is not defined in this process: define " + s.className()
        + " to get the exception itself, or call " + function + ".clearErrors() to compute again)");
    if (f.get("java.lang.Throwable.stackTrace") instanceof StackTraceElement[] stack) e.setStackTrace(stack);
    Object cause = f.get("java.lang.Throwable.cause");
    if (cause instanceof Throwable t && t != e) e.initCause(t);
    else if (cause instanceof Salvaged c && c != s) e.initCause(fromSalvaged(c, function));
    if (f.get("java.lang.Throwable.suppressedExceptions") instanceof List<?> suppressed) {
      for (Object o : suppressed) {
        if (o instanceof Throwable t) e.addSuppressed(t);
        else if (o instanceof Salvaged c) e.addSuppressed(fromSalvaged(c, function));
      }
    }
    return e;
  }
}
