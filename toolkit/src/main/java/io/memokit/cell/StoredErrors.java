package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.codec.ValueReader.Salvaged;
import io.memokit.codec.ReadPolicy;
import io.memokit.codec.StoredThrowable;
import io.memokit.storage.ProcessIdentity;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stored exceptions as they are re-thrown: the exception itself, saying where it came from
 * (process, host, time, cell) and how to forget it, so that a user is not sent looking for a
 * computation that ran yesterday elsewhere; an exception whose class this process lacks becomes a
 * {@link MemoException} naming that class, with the stored message and stack.
 *
 * <p><b>Where the provenance goes.</b> Code that catches a stored exception relies on its class,
 * its fields, its message and its cause: memokit changes none of them (its {@code getMessage()} is
 * the stored one, word for word). Yet the user must see the provenance where they look. JShell
 * prints a snippet's exception as {@code Exception CLASS: MESSAGE}, then its stack, one
 * {@code at} line per frame (frames of snippets as {@code (#7:1)}), then its causes
 * ({@code Caused by: ...}), never its suppressed exceptions; the rapaio notebook kernel prints the
 * class and message, then {@code at} and each frame, and neither causes nor suppressed exceptions.
 * The stack is the one part every display shows and no caller's logic reads, so memokit says it
 * there:
 * <ul>
 *   <li>the stack's first frame is {@code memokit.stored(by process 4711 on host-a at 2026-11-25
 *   14:32:13 as cell 3 of f(1); f.clearErrors() forgets it)}: right under the message, in JShell
 *   ({@code at memokit.stored (by process ...)}), in the kernel, and in {@code printStackTrace};
 *   the frames below it are those of the stored computation;</li>
 *   <li>frames of snippets another process ran (JShell's wrapper classes {@code REPL.$JShell$12},
 *   which this session would show as its own, unrelated snippet {@code #12} or whichever has that
 *   class) read {@code (snippet of process 4711)} instead, in the exception, its causes and its
 *   suppressed exceptions;</li>
 *   <li>and one suppressed {@link MemoException} says the same in words, for
 *   {@code printStackTrace} and for code that looks for it.</li>
 * </ul>
 */
final class StoredErrors {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());
  private static final String NOTE = "stored ";
  /** The provenance frame: {@code memokit.stored(by process ... as cell ...)}. */
  private static final String FRAME_CLASS = "memokit";
  private static final String FRAME_METHOD = "stored";
  /** A class JShell generated for a snippet: its wrapper ({@code REPL.$JShell$12}) and what it declares ({@code $Pt}). */
  private static final Pattern SNIPPET_CLASS = Pattern.compile("^REPL\\.\\$JShell\\$\\w+(?:\\$(.*))?$");
  /** The method JShell runs a snippet's statements in, shown without a name. */
  private static final String SNIPPET_METHOD = "do_it$";

  private StoredErrors() {}

  /**
   * The exception to throw for a stored error cell's value; {@code function} is its name, for the
   * advice; an exception stored by name is rebuilt as its class only where {@code policy} allows it.
   */
  static Throwable rethrowable(Object stored, long cellId, String block, String function, ReadPolicy policy) {
    Object error = stored;
    String origin = "";
    String elsewhere = null; // the storing process, when it is not this one
    if (stored instanceof StoredError e) {
      error = e.error();
      origin = "by process " + e.pid() + " on " + e.host() + " at "
          + WHEN.format(Instant.ofEpochMilli(e.storedAtMillis())) + " ";
      if (!ProcessIdentity.isThisProcess(e.pid(), e.host(), e.storedAtMillis())) elsewhere = "process " + e.pid();
    }
    Throwable t = error instanceof Throwable th ? th
        : error instanceof StoredThrowable st ? st.rebuild(policy)
        : error instanceof Salvaged s ? fromSalvaged(s, function)
        : new MemoException("cell " + cellId + " of " + block + " holds a stored error memokit cannot show ("
            + (error == null ? "null" : error.getClass().getName()) + ")");
    String provenance = origin + "as cell " + cellId + " of " + block + "; " + function + ".clearErrors() forgets it";
    synchronized (StoredErrors.class) { // an exception kept in memory is re-thrown by every later hit
      if (elsewhere != null) renameForeignSnippets(t, elsewhere, Collections.newSetFromMap(new IdentityHashMap<>()));
      addFrame(t, provenance);
      addNote(t, NOTE + provenance);
    }
    return t;
  }

  /** Puts the provenance frame first in {@code t}'s stack, once. */
  private static void addFrame(Throwable t, String provenance) {
    StackTraceElement[] stack = t.getStackTrace();
    int from = stack.length > 0 && isProvenance(stack[0]) ? 1 : 0;
    StackTraceElement[] marked = new StackTraceElement[stack.length - from + 1];
    marked[0] = new StackTraceElement(FRAME_CLASS, FRAME_METHOD, provenance, -1);
    System.arraycopy(stack, from, marked, 1, stack.length - from);
    t.setStackTrace(marked);
  }

  private static boolean isProvenance(StackTraceElement frame) {
    return frame.getClassName().equals(FRAME_CLASS) && frame.getMethodName().equals(FRAME_METHOD);
  }

  /** Adds the note once. */
  private static void addNote(Throwable t, String text) {
    for (Throwable s : t.getSuppressed()) {
      if (s instanceof MemoException && String.valueOf(s.getMessage()).startsWith(NOTE)) return;
    }
    MemoException note = new MemoException(text);
    note.setStackTrace(new StackTraceElement[0]);
    t.addSuppressed(note);
  }

  /**
   * Renames the frames of snippets that {@code process} ran, in {@code t}, its causes and its
   * suppressed exceptions: JShell maps a frame of class {@code REPL.$JShell$12} to the snippet of
   * its own session that has that class, which is another snippet altogether. A renamed frame
   * keeps the class the snippet declared ({@code Pt}; none for the wrapper itself) and the method,
   * and reads {@code (snippet of process 4711)}, without the wrapper's line number. The frames
   * below the last one, that process's JShell running the snippet, are dropped, as JShell drops
   * them from what it shows.
   */
  private static void renameForeignSnippets(Throwable t, String process, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) return;
    StackTraceElement[] stack = t.getStackTrace();
    int last = -1;
    for (int i = 0; i < stack.length; i++) {
      Matcher m = SNIPPET_CLASS.matcher(stack[i].getClassName());
      if (!m.matches()) continue;
      String method = stack[i].getMethodName().equals(SNIPPET_METHOD) ? "" : stack[i].getMethodName();
      stack[i] = new StackTraceElement(m.group(1) == null ? "" : m.group(1), method, "snippet of " + process, -1);
      last = i;
    }
    if (last >= 0) t.setStackTrace(Arrays.copyOf(stack, last + 1));
    renameForeignSnippets(t.getCause(), process, seen);
    for (Throwable s : t.getSuppressed()) renameForeignSnippets(s, process, seen);
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
