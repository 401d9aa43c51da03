package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.cell.Sweep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Sweeps ({@code f.map(inputs)}) in one process: results in input order, hits mixed with misses,
 * where each result came from, exceptions (collected, then the first re-thrown), what stops a sweep,
 * and a cell another thread computes (deferred, computed meanwhile, then collected). Sweeps shared by
 * processes are tested in {@code tests/} ({@code SweepAcrossProcessesTest}).
 */
class SweepTest extends OnEachStoreKind {

  /** The inputs the functions of a test ran for, in the order they ran. */
  final List<Integer> ran = Collections.synchronizedList(new ArrayList<>());

  /** Where each input's result came from, as the sweep told its listener. */
  private static class Sources implements Sweep.Listener {
    final List<Sweep.Source> told = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void resolved(Sweep.Source source) {
      told.add(source);
    }

    long count(Sweep.Source source) {
      return told.stream().filter(source::equals).count();
    }

    String counts() {
      return count(Sweep.Source.HIT) + " hit, " + count(Sweep.Source.COMPUTED_HERE) + " here, "
          + count(Sweep.Source.COMPUTED_ELSEWHERE) + " elsewhere";
    }
  }

  @SuppressWarnings("unchecked")
  private static <R> List<R> sweep(MemoFn1<Integer, R> f, List<Integer> inputs, Sweep.Listener listener) {
    List<Object[]> calls = inputs.stream().map(i -> new Object[] {i}).toList();
    return (List<R>) ((MemoizedFn) f).sweep(calls, listener);
  }

  @Test
  void resultsComeInInputOrderHitsMixedWithMisses() {
    var f = memo(s, "sw.square", (Integer x) -> {
      ran.add(x);
      return x * x;
    });
    f.apply(3);
    f.apply(1);
    ran.clear();
    recorder.clear();
    Sources sources = new Sources();
    assertEquals(List.of(25, 9, 16, 1, 0), sweep(f, List.of(5, 3, 4, 1, 0), sources));
    assertEquals(List.of(5, 4, 0), ran, "only the inputs not stored ran, in input order");
    assertEquals("2 hit, 3 here, 0 elsewhere", sources.counts());
    assertEquals("MISS HIT MISS HIT MISS", recorder.kinds(), "the events of single calls");
    assertEquals(List.of(25, 9, 16, 1, 0), f.map(List.of(5, 3, 4, 1, 0)), "a second sweep: all hits");
    assertEquals(List.of(5, 4, 0), ran);
    assertEquals(5, f.info().misses());
  }

  @Test
  void anyCollectionInItsOrderRepeatedInputsEmptyAndNulls() {
    var f = memo(s, "sw.describe", (Integer x) -> {
      ran.add(x);
      return x == null ? null : "n" + x;
    });
    Sources sources = new Sources();
    assertEquals(Arrays.asList("n7", "n7", null, "n7"), sweep(f, Arrays.asList(7, 7, null, 7), sources));
    assertEquals(Arrays.asList(7, null), ran, "a repeated input is computed once");
    assertEquals("2 hit, 2 here, 0 elsewhere", sources.counts());
    assertEquals(List.of("n2", "n1"), f.map(new java.util.TreeSet<>(Set.of(2, 1)).descendingSet()));
    assertEquals(List.of(), f.map(List.of()));
    List<String> result = f.map(List.of(1));
    assertThrows(UnsupportedOperationException.class, () -> result.set(0, "x"), "an unmodifiable list");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.map(null));
    assertEquals("sw.describe.map: the inputs must not be null", e.getMessage());
  }

  @Test
  void anExceptionDoesNotStopTheSweepThenTheFirstInInputOrderIsThrownAsItIs() {
    var f = memo(s, "sw.io", (Integer x) -> {
      ran.add(x);
      if (x % 3 == 0) throw new IOException("cannot read " + x);
      return x;
    });
    Sources sources = new Sources();
    IOException e = assertThrows(IOException.class, () -> sweep(f, List.of(1, 6, 2, 3, 4), sources));
    assertEquals("cannot read 6", e.getMessage(), "the first failing input in input order");
    assertEquals(0, e.getSuppressed().length, "computed here and now: thrown as a single call throws it");
    assertEquals(List.of(1, 6, 2, 3, 4), ran, "every input computed");
    assertEquals(5, f.info().size(), "and stored, exceptions included");
    assertEquals(2, f.info().errors());

    IOException again = assertThrows(IOException.class, () -> f.map(List.of(4, 3, 6, 1)));
    assertEquals("cannot read 3", again.getMessage());
    assertTrue(again.getSuppressed()[0].getMessage().startsWith("stored by process "),
        "a stored exception carries its note, as from a single call");
    assertEquals(List.of(1, 6, 2, 3, 4), ran, "all hits");
    assertEquals(List.of(1, 2, 4), f.map(List.of(1, 2, 4)));
  }

  @Test
  void exceptionsNotStoredAreCollectedTooAndComputedAgainNextTime() {
    var f = memo(s, "sw.flaky", (Integer x) -> {
      ran.add(x);
      if (x == 2) throw new UncheckedIOException(new IOException("network down"));
      return x;
    }).notStoring(UncheckedIOException.class);
    assertThrows(UncheckedIOException.class, () -> f.map(List.of(1, 2, 3)));
    assertEquals(List.of(1, 2, 3), ran, "the inputs after it were computed");
    assertThrows(UncheckedIOException.class, () -> f.map(List.of(1, 2, 3)));
    assertEquals(List.of(1, 2, 3, 2), ran, "only the exception not stored is computed again");
    assertEquals(2, f.info().size());
  }

  @Test
  void anErrorStopsTheSweepAtOnceAndLeavesNoCellClaimed() {
    var f = memo(s, "sw.error", (Integer x) -> {
      ran.add(x);
      if (x == 2) throw new AssertionError("broken " + x);
      return x;
    });
    AssertionError e = assertThrows(AssertionError.class, () -> f.map(List.of(1, 2, 3)));
    assertEquals("broken 2", e.getMessage());
    assertEquals(List.of(1, 2), ran, "nothing after the error");
    assertEquals(0, f.info().pending(), "its cell released");
    assertEquals(1, f.info().size(), "what it computed before is stored");
  }

  @Test
  void anInterruptStopsTheSweepBeforeTheNextInput() {
    java.util.concurrent.atomic.AtomicBoolean interrupt = new java.util.concurrent.atomic.AtomicBoolean(true);
    var f = memo(s, "sw.interrupt", (Integer x) -> {
      ran.add(x);
      // the kernel's interrupt, arriving while input 2 is computed, which the function ignores
      if (x == 2 && interrupt.getAndSet(false)) Thread.currentThread().interrupt();
      return x;
    });
    try {
      MemoException e = assertThrows(MemoException.class, () -> f.map(List.of(1, 2, 3)));
      assertEquals("interrupted: the sweep of sw.interrupt(1) stopped after 2 of 3 inputs (sweeping again takes "
          + "the results stored)", e.getMessage());
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt is left for the caller to see");
    }
    assertEquals(List.of(1, 2), ran, "input 3 was not computed");
    assertEquals(List.of(1, 2, 3), f.map(List.of(1, 2, 3)));
    assertFalse(ran.subList(2, ran.size()).contains(1), "input 1 was stored: " + ran);
    assertTrue(ran.subList(2, ran.size()).contains(3), ran.toString());
  }

  @Test
  void aCacheOnlySweepTakesWhatIsStoredAndRefusesTheRest() {
    var f = memo(s, "sw.cached", (Integer x) -> x + 100);
    f.apply(1);
    f.apply(2);
    assertEquals(List.of(102, 101), f.cacheOnly().map(List.of(2, 1)));
    MemoException e = assertThrows(MemoException.class, () -> f.cacheOnly().map(List.of(1, 3, 2)));
    assertTrue(e.getMessage().contains("sw.cached(3) is not in the cache"), e.getMessage());
    assertEquals(0, f.info().pending());
  }

  @Test
  void aCellAnotherThreadComputesIsDeferredThenCollected() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    var f = memo(s, "sw.slow", (Integer x) -> {
      ran.add(x);
      if (x == 0) {
        started.countDown();
        release.await();
      }
      return -x;
    });
    AtomicReference<Object> other = new AtomicReference<>();
    Thread t = new Thread(() -> other.set(f.apply(0)), "other-computer");
    t.start();
    started.await();
    Sources sources = new Sources() {
      @Override
      public void resolved(Sweep.Source source) {
        super.resolved(source);
        if (told.size() == 2) release.countDown(); // inputs 1 and 2 done while 0 was still computed elsewhere
      }
    };
    List<Integer> result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> sweep(f, List.of(0, 1, 2), sources));
    t.join();
    assertEquals(List.of(0, -1, -2), result);
    assertEquals(0, other.get());
    assertEquals(List.of(0, 1, 2), ran, "input 0 computed once, by the other thread");
    assertEquals(List.of(Sweep.Source.COMPUTED_HERE, Sweep.Source.COMPUTED_HERE, Sweep.Source.COMPUTED_ELSEWHERE),
        sources.told);
    assertTrue(recorder.kinds().startsWith("MISS MISS MISS"), "1 and 2 computed while 0 was: " + recorder.kinds());
  }
}
