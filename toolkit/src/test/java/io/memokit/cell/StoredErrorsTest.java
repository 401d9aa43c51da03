package io.memokit.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.MemoException;
import io.memokit.codec.ReadPolicy;
import io.memokit.storage.ProcessIdentity;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.format.ErrorFormatters;

/**
 * What a stored exception says when it is re-thrown: its class, message, cause and fields as
 * stored; where it came from as the first frame of its stack (the part JShell and the rapaio kernel
 * show under the message) and in a suppressed note; frames of another process's snippets never
 * taken for this session's. Public: the rapaio kernel's snippets call {@link #rethrowAsIfFrom}.
 */
@Tag("both-jdks")
public class StoredErrorsTest {

  private static final long STORED_AT = 1_764_080_000_000L;
  private static final String WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(STORED_AT));
  private static final String PROVENANCE = "by process 4711 on host-b at " + WHEN + " as cell 3 of f(1); "
      + "f.clearErrors() forgets it";

  private static StackTraceElement frame(String cls, String method, String file, int line) {
    return new StackTraceElement(cls, method, file, line);
  }

  /** An exception as a JShell session raises it: from a lambda of snippet 15, called by memokit, from snippet 16. */
  private static IllegalStateException fromASession() {
    IllegalArgumentException cause = new IllegalArgumentException("negative");
    cause.setStackTrace(new StackTraceElement[] {
        frame("REPL.$JShell$14$Pt", "check", "$JShell$14.java", 5),
        frame("REPL.$JShell$15", "lambda$do_it$Aux$ab12$1", "$JShell$15.java", 7)});
    IllegalStateException e = new IllegalStateException("bad 1", cause);
    e.setStackTrace(new StackTraceElement[] {
        frame("REPL.$JShell$15", "lambda$do_it$Aux$ab12$1", "$JShell$15.java", 7),
        frame("io.memokit.NamedFn", "invoke", "NamedFn.java", 82),
        frame("REPL.$JShell$16", "do_it$", "$JShell$16.java", 8),
        frame("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0", null, -2),
        frame("jdk.jshell.execution.RemoteExecutionControl", "main", "RemoteExecutionControl.java", 70)});
    return e;
  }

  private static List<String> frames(Throwable t) {
    return Arrays.stream(t.getStackTrace()).map(StackTraceElement::toString).toList();
  }

  @Test
  void anExceptionFromAnotherProcessSaysSoFirstInItsStackAndKeepsItsClassMessageAndCause() {
    IllegalStateException stored = fromASession();
    Throwable cause = stored.getCause();
    Throwable t = StoredErrors.rethrowable(new StoredError(stored, 4711, "host-b", STORED_AT), 3, "f(1)", "f", ReadPolicy.anyClass());
    assertSame(stored, t, "the stored exception itself");
    assertEquals("bad 1", t.getMessage());
    assertSame(cause, t.getCause());
    assertEquals(List.of(
        "memokit.stored(" + PROVENANCE + ")",
        ".lambda$do_it$Aux$ab12$1(snippet of process 4711)",
        "io.memokit.NamedFn.invoke(NamedFn.java:82)",
        ".(snippet of process 4711)"), frames(t),
        "the provenance first; the other session's snippets named as such, without what ran them there");
    assertEquals(List.of("Pt.check(snippet of process 4711)", ".lambda$do_it$Aux$ab12$1(snippet of process 4711)"),
        frames(cause), "the cause's snippet frames too");
    assertEquals(1, t.getSuppressed().length);
    assertEquals("stored " + PROVENANCE, t.getSuppressed()[0].getMessage());

    Throwable again = StoredErrors.rethrowable(new StoredError(t, 4711, "host-b", STORED_AT), 3, "f(1)", "f", ReadPolicy.anyClass());
    assertEquals(frames(t), frames(again), "re-thrown again (kept in memory): one provenance frame");
    assertEquals(1, again.getSuppressed().length, "and one note");
  }

  @Test
  void anExceptionThisProcessStoredKeepsItsSnippetFrames() {
    IllegalStateException stored = fromASession();
    List<String> before = frames(stored);
    long now = System.currentTimeMillis();
    Throwable t = StoredErrors.rethrowable(new StoredError(stored, ProcessIdentity.PID, ProcessIdentity.HOST, now), 5,
        "g(1)", "g", ReadPolicy.anyClass());
    List<String> after = frames(t);
    assertTrue(after.get(0).startsWith("memokit.stored(by process " + ProcessIdentity.PID + " on "), after.get(0));
    assertTrue(after.get(0).endsWith(" as cell 5 of g(1); g.clearErrors() forgets it)"), after.get(0));
    assertEquals(before, after.subList(1, after.size()), "this session maps its own snippets rightly");
  }

  /** Leaves a mark when constructed: a class a hostile writer could name in a stored exception. */
  public static final class MarkingFailure extends RuntimeException {
    static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

    public MarkingFailure(String message) {
      super(message);
      BUILT.incrementAndGet();
    }
  }

  @Test
  void anExceptionStoredByNameIsBuiltAsItsClassOnlyWhereThePolicyAllowsIt() {
    var stored = new StoredError(new io.memokit.codec.StoredThrowable(MarkingFailure.class.getName(), "chosen",
        new StackTraceElement[0]), 4711, "host-b", STORED_AT);
    MarkingFailure.BUILT.set(0);
    Throwable safe = StoredErrors.rethrowable(stored, 3, "f(1)", "f", ReadPolicy.safeDefault("others can write it"));
    assertTrue(safe instanceof MemoException && safe.getMessage().startsWith(MarkingFailure.class.getName() + ": chosen"),
        safe.toString());
    assertEquals(0, MarkingFailure.BUILT.get(), "its constructor never ran");
    assertTrue(StoredErrors.rethrowable(stored, 3, "f(1)", "f", ReadPolicy.anyClass()) instanceof MarkingFailure);
    assertEquals(1, MarkingFailure.BUILT.get(), "trusted writers: built as itself");
  }

  @Test
  void aSalvagedOrRebuiltExceptionSaysWhereItCameFromToo() {
    Throwable t = StoredErrors.rethrowable(new StoredError(new io.memokit.codec.StoredThrowable("no.such.Failure",
        "gone", new StackTraceElement[] {frame("REPL.$JShell$9", "do_it$", "$JShell$9.java", 3)}), 4711, "host-b",
        STORED_AT), 3, "f(1)", "f", ReadPolicy.anyClass());
    assertTrue(t instanceof MemoException && t.getMessage().startsWith("no.such.Failure: gone"), t.toString());
    assertEquals(List.of("memokit.stored(" + PROVENANCE + ")", ".(snippet of process 4711)"), frames(t));
  }

  /** Throws {@code e} as memokit re-throws it when process {@code pid} on host-b stored it. */
  public static void rethrowAsIfFrom(long pid, Exception e) {
    throw Sneaky.rethrow(StoredErrors.rethrowable(new StoredError(e, pid, "host-b", STORED_AT), 3, "f(1)", "f", ReadPolicy.anyClass()));
  }

  @Test
  void theRapaioKernelShowsTheProvenanceUnderTheMessageAndNoSnippetOfItsOwn() throws Exception {
    RapaioKernel kernel = new RapaioKernel();
    try {
      kernel.eval("int a = 1;");
      kernel.eval("String b = \"two\";");
      // An exception raised by this session's snippet, re-thrown as stored by another process: its
      // frames name classes of this session, which the kernel would show as its own snippet.
      kernel.eval("var e = new IllegalStateException(\"bad 1\");");
      Exception raised = null;
      try {
        kernel.eval("io.memokit.cell.StoredErrorsTest.rethrowAsIfFrom(4711, e);");
      } catch (Exception shown) {
        raised = shown;
      }
      assertTrue(raised != null, "the snippet raised");
      List<String> lines = ErrorFormatters.exceptionFormat(kernel, raised).stream()
          .flatMap(l -> l.replaceAll("\u001B\\[[;\\d]*m", "").lines()).filter(l -> !l.isBlank()).toList();
      String all = String.join("\n", lines);
      assertEquals("java.lang.IllegalStateException: bad 1", lines.get(0), all);
      assertEquals("   at memokit.stored(" + PROVENANCE + ")", lines.get(1), all);
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("|-->")), "no snippet of this session is shown:\n" + all);
      assertTrue(lines.contains("   at .(snippet of process 4711)"), all);
    } finally {
      kernel.onShutdown();
    }
  }
}
