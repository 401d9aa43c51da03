package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.MemoException;
import io.memokit.cell.Trace;
import io.memokit.it.workers.CycleWorker;
import io.memokit.it.workers.SlowCellWorker;
import io.memokit.storage.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting for another process, with real JVMs: the WAIT line names the computing process; a
 * waiting call answers Thread.interrupt (Jupyter kernels) and Thread.stop (JShell's Ctrl-C on
 * JDK 17) at once, leaving no lock, slot or in-flight entry behind; and two processes each
 * computing a cell that calls the other's cell are told so in one of them, instead of both
 * hanging.
 */
@Tag("quick")
class WaitingTest {

  @TempDir
  Path tmp;

  /** How the waiting thread is interrupted. */
  private enum Interruption { INTERRUPT, STOP }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anInterruptedWaitEndsAtOnceAndLeavesNothingBehind(StoreKind kind) throws Exception {
    interruptAWait(kind, Interruption.INTERRUPT);
  }

  /**
   * A cancelled snippet, by the means this JDK has: up to JDK 19 JShell's Ctrl-C stops the thread
   * running the snippet (Thread.stop, local and remote execution alike); from JDK 20, where
   * Thread.stop throws, what remains to cancel a thread is its interrupt.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWaitEndsAtOnceWhenJShellCancelsTheSnippet(StoreKind kind) throws Exception {
    interruptAWait(kind, Runtime.version().feature() < 20 ? Interruption.STOP : Interruption.INTERRUPT);
  }

  @SuppressWarnings("deprecation") // Thread.stop: what JShell's local and remote execution do on JDK 17
  private void interruptAWait(StoreKind kind, Interruption how) throws Exception {
    String store = kind.location(tmp);
    Path side = tmp.resolve("side");
    Files.createFile(side);
    List<Trace.Event> events = new CopyOnWriteArrayList<>();
    Consumer<Trace.Event> listener = events::add;
    Trace.addListener(listener);
    try (Jvm a = Jvm.start(SlowCellWorker.class, store, "wait.slow", 5, 60_000, side, "value")) {
      String miss = a.await(l -> l.contains("> MISS("), Duration.ofSeconds(30), "MISS").text();
      long cell = Long.parseLong(miss.substring(miss.lastIndexOf('(') + 1, miss.length() - 1));
      MemoFn1<Integer, String> f = SlowCellWorker.define(store, "wait.slow", side.toString());
      AtomicReference<Throwable> raised = new AtomicReference<>();
      AtomicLong raisedAt = new AtomicLong();
      Thread waiter = new Thread(() -> {
        try {
          f.apply(5);
        } catch (Throwable t) {
          raisedAt.set(System.nanoTime());
          raised.set(t);
        }
      }, "notebook-cell");
      waiter.start();
      Trace.Event wait = awaitEvent(events, Trace.Kind.WAIT, Duration.ofSeconds(30));
      assertEquals(cell, wait.n());
      assertTrue(wait.detail().matches("for proc " + a.pid() + " on " + Pattern.quote(ProcessIdentity.HOST)
          + " since \\d\\d:\\d\\d:\\d\\d"),
          "the WAIT names the computing process: " + wait.line());
      Thread.sleep(1000); // the waiter polls at its slowest (100 ms) by now: the worst case
      long interruptedAt = System.nanoTime();
      if (how == Interruption.INTERRUPT) waiter.interrupt();
      else waiter.stop();
      waiter.join(5000);
      assertTrue(!waiter.isAlive(), "the waiting call returned");
      Throwable t = raised.get();
      assertInstanceOf(MemoException.class, t, String.valueOf(t));
      assertEquals("interrupted while waiting for cell " + cell + " of wait.slow(5), computed by proc " + a.pid() + " on "
          + ProcessIdentity.HOST, t.getMessage());
      double ms = (raisedAt.get() - interruptedAt) / 1e6;
      System.out.printf("WaitingTest: %s to MemoException in %.1f ms%n", how, ms);
      assertTrue(ms < 250, "answered at once: " + ms + " ms");

      // Nothing left behind. No lock: once the computing process dies, a new process gets the cell's
      // lock at once (it would wait for this one if it still held it), and computes it.
      a.killHard();
      long computed;
      try (Jvm c = Jvm.start(SlowCellWorker.class, store, "wait.slow", 5, 0, side, "value")) {
        assertEquals(0, c.exit(Duration.ofSeconds(60)), c.describe());
        assertEquals("RESULT value of 5", c.lines().get(1), c.describe());
        // A MISS, or a TAKEOVER of the cell the killed process left in progress (found by the claim
        // itself, or already reclaimed as an orphan): never a WAIT, since no lock was left.
        String first = c.lines().get(0);
        assertTrue(first.contains("> MISS(") || first.contains("> TAKEOVER("), "computed without waiting\n" + c.describe());
        assertTrue(c.lines().contains("PENDING 0"), "no slot left claimed\n" + c.describe());
        computed = cellOf(c, first.contains("> MISS(") ? "MISS" : "TAKEOVER", "wait.slow");
      }
      // No in-flight entry: a later call in this process answers normally.
      events.clear();
      assertEquals("value of 5", f.apply(5));
      assertEquals(List.of("HIT(" + computed + ")"), events.stream().map(e -> e.kind() + "(" + e.n() + ")").toList());
    } finally {
      Trace.removeListener(listener);
    }
  }

  private static Trace.Event awaitEvent(List<Trace.Event> events, Trace.Kind kind, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Trace.Event e : events) if (e.kind() == kind) return e;
      Thread.sleep(5);
    }
    throw new AssertionError("no " + kind + " event within " + timeout + ": " + events);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCycleOfWaitsAcrossTwoProcessesIsRefusedInOneOfThem(StoreKind kind) throws Exception {
    String store = kind.location(tmp);
    Path meet = Files.createDirectory(tmp.resolve("meet"));
    try (Jvm a = Jvm.start(CycleWorker.class, store, "a", meet); Jvm b = Jvm.start(CycleWorker.class, store, "b", meet)) {
      Jvm.Line waitA = a.await(l -> l.contains("> WAIT("), Duration.ofSeconds(60), "WAIT");
      Jvm.Line waitB = b.await(l -> l.contains("> WAIT("), Duration.ofSeconds(60), "WAIT");
      assertEquals(0, a.exit(Duration.ofSeconds(60)), a.describe());
      assertEquals(0, b.exit(Duration.ofSeconds(60)), b.describe());
      List<String> raised = Stream.of(a, b).flatMap(j -> j.lines().stream()).filter(l -> l.startsWith("RAISED ")).toList();
      assertEquals(1, raised.size(), "exactly one process gives up\n" + a.describe() + "\n" + b.describe());
      Jvm giver = a.lines().contains(raised.get(0)) ? a : b;
      Jvm other = giver == a ? b : a;
      String message = raised.get(0);
      long x = cellOf(a, "MISS", "cycle.x{1}");
      long y = cellOf(b, "MISS", "cycle.y{1}");
      assertTrue(message.startsWith("RAISED io.memokit.MemoException: waiting for cell "), message);
      for (String named : List.of("cell " + x + " of cycle.x{1}(1)", "cell " + y + " of cycle.y{1}(1)",
          "proc " + a.pid() + " on " + ProcessIdentity.HOST, "proc " + b.pid() + " on " + ProcessIdentity.HOST)) {
        assertTrue(message.contains(named), "the message names " + named + ": " + message);
      }
      // The other process goes on: the giver's computation failed and released its cell, which the other computes.
      String result = other.lines().stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
      assertNotNull(result, other.describe());
      assertEquals(other == a ? "RESULT x(y by a)" : "RESULT y(x by b)", result);
      Jvm.Line raisedLine = giver.await(l -> l.startsWith("RAISED "), Duration.ofSeconds(1), "RAISED");
      double seconds = (raisedLine.nanos() - Math.max(waitA.nanos(), waitB.nanos())) / 1e9;
      System.out.printf("WaitingTest: wait cycle refused %.3f s after it closed (in %s)%n", seconds,
          giver == a ? "a" : "b");
      assertTrue(seconds < 3, "detected within 3 s: " + seconds + " s");
      assertEquals(0, kind.waitsLeft(store), "no wait left on the board");
    }
  }

  /** The cell of the first {@code kind} event of {@code block} that {@code j} printed. */
  private static long cellOf(Jvm j, String kind, String block) {
    String line = j.lines().stream().filter(l -> l.contains(":" + block + "(") && l.contains("> " + kind + "("))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " of " + block + "\n" + j.describe()));
    String event = line.substring(line.indexOf("> " + kind + "(") + kind.length() + 3);
    return Long.parseLong(event.substring(0, event.indexOf(')')));
  }
}
