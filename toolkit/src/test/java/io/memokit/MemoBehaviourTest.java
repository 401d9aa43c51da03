package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.cell.Trace;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a memoized function does in one process: events, counts, exceptions, eviction, management. */
class MemoBehaviourTest extends OnEachStoreKind {

  private String trace() {
    return recorder.events();
  }

  private String kinds() {
    return recorder.kinds();
  }

  @Test
  void aMissThenHitsWithCountsAndTimes() {
    AtomicInteger calls = new AtomicInteger();
    var f = memo(s, "b.square", (Integer x) -> {
      calls.incrementAndGet();
      Thread.sleep(30);
      return x * x;
    });
    assertEquals(49, f.apply(7));
    assertEquals(49, f.apply(7));
    assertEquals(49, f.apply(7));
    assertEquals(1, calls.get());
    assertEquals("MISS HIT HIT", kinds());
    BlockInfo info = f.info();
    assertEquals(2, info.hits());
    assertEquals(1, info.misses());
    assertEquals(1, info.size());
    assertEquals("b.square(1)", info.label());
    CellInfo cell = f.cells().get(0);
    assertEquals(CellInfo.State.VALUE, cell.state());
    assertEquals(2, cell.hits());
    assertTrue(cell.size() > 0 && cell.size() == info.bytes(), cell + " / " + info);
    assertTrue(cell.wallTime().toMillis() >= 30, "wall time covers the computation: " + cell);
    assertTrue(cell.cpuTime().compareTo(cell.wallTime()) <= 0, "a sleep is wall time, not CPU time: " + cell);
    assertFalse(cell.lastHit().isBefore(cell.created()));
  }

  @Test
  void exceptionsAreStoredAndRethrownAsTheyAreCheckedOrNot() {
    AtomicInteger calls = new AtomicInteger();
    var f = memo(s, "b.io", (String p) -> {
      calls.incrementAndGet();
      throw new IOException("cannot read " + p);
    });
    for (int i = 0; i < 3; i++) {
      IOException e = assertThrows(IOException.class, () -> f.apply("x.csv"));
      assertEquals("cannot read x.csv", e.getMessage());
    }
    assertEquals(1, calls.get(), trace());
    assertEquals(CellInfo.State.ERROR, f.cells().get(0).state());
    assertTrue(f.cells().get(0).size() > 0 && f.cells().get(0).state() == CellInfo.State.ERROR,
        "an exception is stored with its size in bytes: " + f.cells());
    assertEquals(1, f.info().errors());
  }

  @Test
  void aReThrownStoredExceptionSaysWhereItCameFromOnce() {
    var f = memo(s, "b.origin", (Integer x) -> {
      throw new IllegalStateException("bad " + x);
    });
    IllegalStateException first = assertThrows(IllegalStateException.class, () -> f.apply(1));
    assertEquals(0, first.getSuppressed().length, "computed here and now: no note");
    for (int i = 0; i < 2; i++) {
      IllegalStateException again = assertThrows(IllegalStateException.class, () -> f.apply(1));
      assertEquals("bad 1", again.getMessage());
      assertEquals(1, again.getSuppressed().length, "one note, however many hits");
      String note = again.getSuppressed()[0].getMessage();
      assertTrue(note.startsWith("stored by process " + ProcessHandle.current().pid() + " on "), note);
      assertTrue(note.endsWith("as cell " + f.cells().get(0).id() + " of b.origin(1); b.origin.clearErrors() forgets it"),
          note);
    }
  }

  @Test
  void exceptionsOfTheTypesNamedNotStoringAreThrownAndComputedAgain() {
    AtomicInteger calls = new AtomicInteger();
    var f = memo(s, "b.flaky", (Integer x) -> {
      if (calls.incrementAndGet() == 1) throw new java.io.UncheckedIOException(new IOException("network down"));
      throw new IllegalArgumentException("bad input " + x);
    }).notStoring(java.io.UncheckedIOException.class);
    assertThrows(java.io.UncheckedIOException.class, () -> f.apply(1));
    assertEquals(0, f.info().size(), "a transient failure is not stored");
    assertThrows(IllegalArgumentException.class, () -> f.apply(1));
    assertThrows(IllegalArgumentException.class, () -> f.apply(1));
    assertEquals(2, calls.get(), "any other exception is stored");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.notStoring(String.class));
    assertTrue(e.getMessage().contains("argument 1 (java.lang.String) is not an exception type"), e.getMessage());
  }

  @Test
  void errorsInterruptsAndMemokitsOwnExceptionsAreNotStored() {
    AtomicInteger calls = new AtomicInteger();
    var f = memo(s, "b.error", (Integer x) -> {
      calls.incrementAndGet();
      throw new AssertionError("an Error says nothing about the function's value");
    });
    assertThrows(AssertionError.class, () -> f.apply(1));
    assertThrows(AssertionError.class, () -> f.apply(1));
    assertEquals(2, calls.get(), "computed again: the Error was not stored");
    assertEquals(0, f.info().size());
    assertEquals("MISS(1) MISS(1)", trace(), "a computation that stores nothing gives its number back");
  }

  /** What {@code calls} printed on standard error, then what logger io.memokit logged at WARNING or above. */
  private static List<String> told(Runnable calls) {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream former = System.err;
    List<String> warnings = new ArrayList<>();
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.memokit");
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
          warnings.add("WARNING " + r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    System.setErr(new java.io.PrintStream(err, true));
    try {
      calls.run();
    } finally {
      System.setErr(former);
      logger.removeHandler(handler);
    }
    List<String> all = new ArrayList<>(err.toString().lines().toList());
    all.addAll(warnings);
    return all;
  }

  @Test
  void aResultThatCannotBeStoredIsSaidOnceAndTakesNoCellNumber() {
    AtomicInteger calls = new AtomicInteger();
    var f = memo(s, "b.thread", (Integer x) -> {
      calls.incrementAndGet();
      return new Thread("t" + x);
    });
    List<String> told = told(() -> {
      for (int i = 0; i < 3; i++) assertEquals("t1", f.apply(1).getName());
      assertEquals("t2", f.apply(2).getName());
    });
    assertEquals(4, calls.get(), "not stored, so computed again");
    assertEquals(List.of("memokit: b.thread returned a java.lang.Thread, which memokit cannot store (it is not "
        + "Serializable), so it is computed again on every call; to have it cached, return something storable instead "
        + "(the data itself, as a record, list, array or string)"), told, "one notice, no logged warning");
    assertEquals("MISS(1) MISS(1) MISS(1) MISS(1)", trace(), "every call a miss, none keeping a cell number");
    BlockInfo info = f.info();
    assertEquals(4, info.misses());
    assertEquals(0, info.hits());
    assertEquals(0, info.size(), "no cell is left behind");

    var g = memo(s, "b.next", (Integer x) -> x + 1);
    assertEquals(2, g.apply(1));
    assertEquals(2, g.apply(1));
    assertEquals("MISS(1) MISS(1) MISS(1) MISS(1) MISS(1) HIT(1)", trace(), "the next stored cell is number 1");
    assertEquals(1, g.cells().get(0).id());
    assertEquals(2, g.info().hits() + g.info().misses(), "hits and misses add up to the calls");
  }

  @Test
  void aValueHoldingSomethingUnstorableAtAnyDepthIsSaidOnceNamingBothTypes() {
    record Reading(String name, Object source) {}
    var f = memo(s, "b.nested",
        (Integer x) -> List.of(new Reading("r" + x, new java.io.ByteArrayInputStream(new byte[x]))));
    List<String> told = told(() -> {
      for (int i = 1; i <= 3; i++) assertEquals("r" + i, f.apply(i).get(0).name());
    });
    assertEquals(1, told.size(), String.join("\n", told));
    assertTrue(told.get(0).startsWith("memokit: b.nested returned a java.util.ImmutableCollections$List12, which "
        + "memokit cannot store (it holds a java.io.ByteArrayInputStream, which is not Serializable), so it is "
        + "computed again on every call"), told.get(0));
    assertEquals("MISS(1) MISS(1) MISS(1)", trace());
  }

  @Test
  void cacheOnlyRaisesOnAMissAndReturnsStoredValues() {
    var f = memo(s, "b.co", (Integer x) -> x + 1);
    f.apply(1);
    var readOnly = f.cacheOnly();
    assertTrue(readOnly.isCacheOnly());
    assertEquals(2, readOnly.apply(1));
    MemoException e = assertThrows(MemoException.class, () -> readOnly.apply(2));
    assertTrue(e.getMessage().contains("b.co(2)") && e.getMessage().contains("not in the cache"), e.getMessage());
    assertEquals(1, f.info().size(), "the miss computed nothing");
  }

  @Test
  void aFunctionWaitingForItsOwnCellIsAnErrorNotAHang() {
    AtomicReference<MemoFn1<Integer, Integer>> self = new AtomicReference<>();
    self.set(memo(s, "b.self", (Integer x) -> self.get().apply(x)));
    MemoException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(MemoException.class, () -> self.get().apply(5)));
    assertTrue(e.getMessage().contains("b.self(5)") && e.getMessage().contains("itself"), e.getMessage());
    assertEquals(0, self.get().info().size(), "nothing stored for a call that could not complete");
  }

  @Test
  void aFunctionMayCallItselfOnOtherArguments() {
    AtomicReference<MemoFn1<Integer, Long>> fib = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    fib.set(memo(s, "b.fib", (Integer n) -> {
      calls.incrementAndGet();
      return n < 2 ? (long) n : fib.get().apply(n - 1) + fib.get().apply(n - 2);
    }));
    assertEquals(12586269025L, fib.get().apply(50));
    assertEquals(51, calls.get(), "each n computed once");
  }

  @Test
  void overflowEvictsTheLeastRecentlyHitFinishedCells() throws Exception {
    // The store's clock is the test's: hits are ordered by when they happened, not by sleeping.
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
    MemoStore timed = kind.open(dir, "timed", io.memokit.storage.StoreSettings.defaults().withClock(clock::get));
    try {
      var f = memo(timed, "b.lru", (Integer x) -> x);
      assertEquals(0, f.resize(3));
      f.apply(1);
      clock.incrementAndGet();
      f.apply(2);
      clock.incrementAndGet();
      f.apply(3);
      clock.incrementAndGet();
      f.apply(1); // 1 is now the most recently hit (from memory, published later); 2 the least
      clock.incrementAndGet();
      f.apply(4);
      assertEquals(3, f.info().size());
      assertTrue(trace().contains("OVERFLOW(1) MISS("), trace());
      recorder.clear();
      f.apply(1);
      f.apply(3);
      f.apply(4);
      assertEquals("HIT HIT HIT", kinds(), "1, 3 and 4 survived");
      f.apply(2);
      assertTrue(kinds().startsWith("HIT HIT HIT OVERFLOW MISS"), "2 was evicted: " + kinds());
      assertEquals(2, f.resize(1), "resizing evicts down to the new maxsize");
      assertEquals(1, f.info().size());
      assertEquals(1, f.info().maxsize());
      assertThrows(IllegalArgumentException.class, () -> f.resize(0));
    } finally {
      kind.dispose(timed);
    }
  }

  @Test
  void clearErrorsRemovesOnlyStoredExceptions() {
    var f = memo(s, "b.mixed", (Integer x) -> {
      if (x < 0) throw new IllegalArgumentException("negative");
      return x;
    });
    f.apply(1);
    f.apply(2);
    assertThrows(IllegalArgumentException.class, () -> f.apply(-1));
    assertEquals(3, f.info().size());
    assertEquals(1, f.clearErrors());
    assertEquals(2, f.info().size());
    assertEquals(0, f.info().errors());
    assertEquals(2, f.clear());
    assertEquals(0, f.info().size());
  }

  @Test
  void versionsMakeSeparateBlocksAndClearObsoleteRemovesOldOnes() {
    memo(s, version("b.v", 1, (Integer x) -> x)).apply(1);
    var v2 = memo(s, version("b.v", 2, (Integer x) -> x * 10));
    assertEquals(10, v2.apply(1), "version 2 does not hit version 1's cell");
    memo(s, "b.other", (Integer x) -> x).apply(1);
    List<String> labels = s.blocks().stream().map(BlockInfo::label).toList();
    assertTrue(labels.containsAll(List.of("b.v{1}(1)", "b.v{2}(1)", "b.other(1)")), labels.toString());
    assertEquals(1, s.clearObsolete(), "this process defines b.v at version 2 only");
    labels = s.blocks().stream().map(BlockInfo::label).toList();
    assertFalse(labels.contains("b.v{1}(1)"), labels.toString());
    assertTrue(labels.containsAll(List.of("b.v{2}(1)", "b.other(1)")), labels.toString());
    assertEquals(10, v2.apply(1));
  }

  @Test
  void clearWhileComputingMakesTheCellLostAndTheValueIsStillReturned() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var f = memo(s, "b.lost", (Integer x) -> {
      started.countDown();
      release.await();
      return x + 100;
    });
    AtomicReference<Integer> got = new AtomicReference<>();
    Thread t = new Thread(() -> got.set(f.apply(1)));
    t.start();
    started.await();
    f.clear();
    release.countDown();
    t.join(10_000);
    assertEquals(101, got.get());
    assertTrue(trace().matches("MISS\\((\\d+)\\) LOST\\(\\1\\)"), trace());
    assertEquals(0, f.info().size(), "the lost cell was not stored");
  }

  @Test
  void threadsOfOneProcessShareOneComputation() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    var f = memo(s, "b.threads", (Integer x) -> {
      calls.incrementAndGet();
      Thread.sleep(300);
      return x;
    });
    List<Thread> threads = new ArrayList<>();
    AtomicInteger wrong = new AtomicInteger();
    for (int i = 0; i < 8; i++) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          if (f.apply(9) != 9) wrong.incrementAndGet();
        } catch (InterruptedException e) {
          wrong.incrementAndGet();
        }
      });
      threads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : threads) t.join(10_000);
    assertEquals(1, calls.get());
    assertEquals(0, wrong.get());
    String k = kinds();
    assertEquals(1, k.split("MISS", -1).length - 1, k);
    assertEquals(7, k.split("HIT", -1).length - 1, k);
    assertTrue(k.contains("WAIT"), "threads that came while it computed waited: " + k);
  }

  @Test
  void aWaitForAnotherThreadNamesItAndEndsAtOnceWhenInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var f = memo(s, "b.held", (Integer x) -> {
      started.countDown();
      release.await();
      return x;
    });
    Thread computing = new Thread(() -> f.apply(1), "computing-thread");
    computing.start();
    started.await();
    AtomicReference<Throwable> raised = new AtomicReference<>();
    AtomicLong raisedAt = new AtomicLong();
    Thread waiter = new Thread(() -> {
      try {
        f.apply(1);
      } catch (Throwable t) {
        raisedAt.set(System.nanoTime());
        raised.set(t);
      }
    }, "waiter");
    waiter.start();
    Trace.Event wait = null;
    for (long end = System.nanoTime() + 10_000_000_000L; wait == null && System.nanoTime() < end; Thread.sleep(5)) {
      wait = recorder.all().stream().filter(e -> e.kind() == Trace.Kind.WAIT).findFirst().orElse(null);
    }
    assertTrue(wait != null, trace());
    assertEquals("for thread computing-thread of this process", wait.detail());
    long interruptedAt = System.nanoTime();
    waiter.interrupt();
    waiter.join(5_000);
    assertTrue(raised.get() instanceof MemoException, String.valueOf(raised.get()));
    assertEquals("interrupted while waiting for cell " + wait.n() + " of b.held(1), computed by thread computing-thread"
        + " of this process", raised.get().getMessage());
    assertTrue(raisedAt.get() - interruptedAt < 250_000_000L, (raisedAt.get() - interruptedAt) / 1e6 + " ms");
    release.countDown();
    computing.join(10_000);
    recorder.clear();
    assertEquals(1, f.apply(1));
    assertEquals("HIT(" + wait.n() + ")", trace(), "a later call answers normally");
  }

  @Test
  void wrongArgumentCountsAndUnnamedFunctionsAreRefused() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Memo.MemoFn2<Object, Object, Object> two = (Memo.MemoFn2) memo(s, "b.one", (Integer x) -> x);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> two.apply(1, 2));
    assertTrue(e.getMessage().contains("takes 1 argument"), e.getMessage());
    Memo.Fn1<Integer, Integer> anonymous = x -> x;
    e = assertThrows(IllegalArgumentException.class, () -> memo(s, anonymous));
    assertTrue(e.getMessage().contains("no name"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> memo(s, "a/b", (Integer x) -> x));
    assertTrue(e.getMessage().contains("\"a/b\""), e.getMessage());
  }

  @Test
  void anUnsupportedArgumentIsReportedOnceInTheStackTrace() {
    var f = memo(s, "b.file", (Object o) -> 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.apply(java.util.UUID.randomUUID()));
    assertTrue(e.getMessage().startsWith(
        "b.file(1): argument 1 cannot be part of a cache key: type java.util.UUID has no canonical key"), e.getMessage());
    java.io.StringWriter printed = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(printed));
    String trace = printed.toString();
    assertEquals(trace.indexOf("has no canonical key"), trace.lastIndexOf("has no canonical key"), trace);
    assertFalse(trace.contains("Caused by"), trace);
  }

  @Test
  void aCallerCannotChangeWhatTheNextHitGets() {
    var lists = memo(s, "b.mutableList", (Integer n) -> new java.util.ArrayList<>(java.util.List.of(n, n + 1)));
    var arrays = memo(s, "b.array", (Integer n) -> new double[] {n, n / 2.0});
    java.util.List<Integer> first = lists.apply(1);
    first.add(99); // the caller's own copy
    java.util.List<Integer> hit = lists.apply(1);
    assertEquals(java.util.List.of(1, 2), hit, "the stored value is unchanged");
    hit.clear();
    assertEquals(java.util.List.of(1, 2), lists.apply(1), "each hit gets its own copy");
    arrays.apply(3)[0] = -1;
    arrays.apply(3)[1] = -1;
    assertEquals(3.0, arrays.apply(3)[0]);
    assertEquals(1.5, arrays.apply(3)[1]);
  }

  @Test
  void valuesNobodyCanChangeAreSharedByEveryHit() {
    var f = memo(s, "b.immutable", (Integer n) -> java.util.List.of("a" + n, java.time.LocalDate.of(2026, 1, n)));
    Object first = f.apply(1);
    assertSame(first, f.apply(1), "an immutable value is handed out as it is: no copy on a hit");
  }

  @Test
  void aStoreWideByteLimitKeepsEveryBlockTogetherUnderIt() {
    var f = memo(s, "b.limitF", (Integer n) -> new byte[10_000]);
    var g = memo(s, "b.limitG", (Integer n) -> new byte[10_000]);
    for (int i = 0; i < 5; i++) {
      f.apply(i);
      g.apply(i);
    }
    long used = s.bytes();
    assertTrue(used > 100_000, "the store takes its cells and bookkeeping: " + used);
    assertEquals(0, s.byteLimit());
    int evicted = s.limitBytes(45_000);
    assertTrue(evicted >= 6, "over the limit at once: evicted " + evicted);
    assertEquals(45_000, s.byteLimit(), "kept in the store");
    assertTrue(f.info().bytes() + g.info().bytes() <= 45_000, f.info() + " " + g.info());
    for (int i = 10; i < 20; i++) g.apply(i);
    assertTrue(f.info().bytes() + g.info().bytes() <= 45_000, "new cells keep the store under its limit");
    assertThrows(IllegalArgumentException.class, () -> s.limitBytes(-1));
    assertEquals(0, s.limitBytes(0));
  }
}
