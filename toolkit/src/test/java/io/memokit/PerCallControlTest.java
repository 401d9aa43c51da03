package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.memoRecursive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.Memo.MemoFn2;
import io.memokit.storage.StoreSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The calls that act on one call's cell ({@code forget}, {@code isCached}, {@code peek}), expiry and
 * validity rules, and recursive functions, on each kind of store. On both JDKs: a deep recursion
 * moves to fresh threads, whose stacks and interrupts each JDK handles in its own way.
 */
@Tag("both-jdks")
class PerCallControlTest extends OnEachStoreKind {

  @Test
  void forgetRemovesOneCallsCellAndLeavesTheOthers() {
    AtomicInteger computed = new AtomicInteger();
    var f = memo(s, "pc.forget", (Integer x, String y) -> {
      computed.incrementAndGet();
      return y + x;
    });
    f.apply(1, "a");
    f.apply(2, "a");
    assertEquals(List.of("(1, \"a\")", "(2, \"a\")"), f.cells().stream().map(CellInfo::arguments).sorted().toList(),
        "each cell shows its arguments");
    assertTrue(f.forget(1, "a"), "the cell was stored");
    assertFalse(f.forget(1, "a"), "and is gone");
    assertFalse(f.isCached(1, "a"));
    assertTrue(f.isCached(2, "a"), "the other cell stays");
    assertEquals(1, f.info().size());
    recorder.clear();
    assertEquals("a1", f.apply(1, "a"));
    assertEquals("a2", f.apply(2, "a"));
    assertEquals("MISS HIT", recorder.kinds(), "a forgotten call is computed again; the other one hits");
    assertEquals(3, computed.get());
  }

  @Test
  void isCachedAndPeekNeverComputeAndCountNothingOnAMiss() {
    AtomicInteger computed = new AtomicInteger();
    var f = memo(s, "pc.ask", (Integer x) -> {
      computed.incrementAndGet();
      return x == 0 ? null : x * 10;
    });
    assertFalse(f.isCached(3));
    assertEquals(Optional.empty(), f.peek(3));
    assertEquals(0, computed.get());
    assertEquals("", recorder.kinds(), "asking is not a miss");
    assertEquals(0, f.info().misses());
    f.apply(3);
    f.apply(0);
    recorder.clear();
    assertTrue(f.isCached(3));
    assertEquals("", recorder.kinds(), "isCached counts no hit");
    assertEquals(Optional.of(30), f.peek(3));
    assertTrue(f.isCached(0), "a stored null is cached");
    assertEquals(Optional.empty(), f.peek(0), "and peeks as empty");
    assertEquals("HIT HIT", recorder.kinds(), "a peek that finds the value is a hit");
    assertEquals(2, computed.get());
  }

  @Test
  void peekThrowsAStoredExceptionAsACallWould() {
    var f = memo(s, "pc.fails", (Integer x) -> {
      throw new IllegalStateException("bad " + x);
    });
    assertThrows(IllegalStateException.class, () -> f.apply(1));
    assertTrue(f.isCached(1), "a stored exception is cached");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.peek(1));
    assertTrue(e.getMessage().contains("bad 1"), e.getMessage());
  }

  @Test
  void isCachedAndPeekDoNotWaitForACellBeingComputed() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var f = memo(s, "pc.slow", (Integer x) -> {
      started.countDown();
      release.await();
      return x;
    });
    Thread computing = new Thread(() -> f.apply(7));
    computing.start();
    try {
      assertTrue(started.await(10, TimeUnit.SECONDS));
      assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
        assertFalse(f.isCached(7), "a cell being computed is not cached yet");
        assertEquals(Optional.empty(), f.peek(7));
        assertFalse(f.forget(7), "a cell being computed is left to finish");
      });
    } finally {
      release.countDown();
      computing.join();
    }
    assertEquals(Optional.of(7), f.peek(7));
  }

  @Test
  void cellsOlderThanTheExpiryAreComputedAgainAndReplaced() throws Exception {
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    MemoStore timed = kind.open(dir, "timed", StoreSettings.defaults().withClock(clock::get));
    try {
      AtomicInteger computed = new AtomicInteger();
      var plain = memo(timed, "pc.expiring", (Integer x) -> x + computed.incrementAndGet() * 100);
      var fresh = plain.expireAfterWrite(Duration.ofMinutes(10));
      assertEquals(101, fresh.apply(1));
      clock.addAndGet(Duration.ofMinutes(9).toMillis());
      assertEquals(101, fresh.apply(1), "younger than 10 minutes: a hit (from memory)");
      assertTrue(fresh.isCached(1));
      // 11.5 minutes: a cell is written when its computation ends, its wall time (real, a few ms on
      // a slow start) after the clock's start, and ages are shown in whole minutes, rounded down.
      clock.addAndGet(Duration.ofSeconds(150).toMillis());
      assertFalse(fresh.isCached(1), "older than 10 minutes");
      assertEquals(Optional.empty(), fresh.peek(1));
      assertEquals(101, plain.apply(1), "a handle without expiry still uses the cell");
      recorder.clear();
      assertEquals(201, fresh.apply(1), "computed again");
      assertEquals("MISS", recorder.kinds());
      String line = recorder.all().get(0).line();
      assertTrue(line.contains("MISS(2) (cell 1 expired: written 11") && line.contains("longer than 10"),
          "the trace says why: " + line);
      assertEquals(201, plain.apply(1), "the new value replaced the old one for every handle");
      assertEquals(1, fresh.info().size());
      assertEquals(2, fresh.info().misses(), "an expired cell counts as a miss");
      var onlyStored = fresh.cacheOnly();
      clock.addAndGet(Duration.ofMinutes(11).toMillis());
      MemoException e = assertThrows(MemoException.class, () -> onlyStored.apply(1));
      assertTrue(e.getMessage().contains("expired"), e.getMessage());
    } finally {
      kind.dispose(timed);
    }
  }

  @Test
  void aValidityRuleDecidesOnEachStoredCell() {
    AtomicInteger computed = new AtomicInteger();
    var f = memo(s, "pc.flaky", (Integer x) -> {
      if (computed.incrementAndGet() == 1) throw new IllegalStateException("first try fails");
      return x;
    });
    assertThrows(IllegalStateException.class, () -> f.apply(5));
    assertThrows(IllegalStateException.class, () -> f.apply(5), "the exception is stored");
    var retrying = f.validIf(cell -> !cell.error());
    assertEquals(5, retrying.apply(5), "a rule refusing stored exceptions computes again");
    assertEquals(5, f.apply(5), "and the value replaced the exception");
    assertEquals(2, computed.get());
    var quick = f.validIf(cell -> cell.wallTime().compareTo(Duration.ofHours(1)) < 0 && cell.age().toMillis() >= 0);
    assertEquals(5, quick.apply(5));
    assertEquals(2, computed.get(), "a rule the cell passes hits");
  }

  @Test
  void aRuleThatCallsAnotherMemoizedFunctionLeavesTheCallsKeyAsItWas() {
    // The rule runs between the call's key and the store's lookup; a memoized call inside it keys its own
    // arguments on the same thread, and must not change the key of the call being answered.
    var f = memo(s, "pc.outer", (Integer x) -> x * 10);
    var g = memo(s, "pc.inner", (Integer x) -> x + 1);
    assertEquals(10, f.apply(1));
    var refusing = f.validIf(cell -> g.apply(99) < 0);
    assertEquals(10, refusing.apply(1), "computed again, as f(1)");
    assertEquals(990, f.apply(99), "f(99) is its own cell, not the one f(1) computed under the rule");
    assertEquals(10, f.cacheOnly().apply(1));
    assertEquals(Optional.of(10), f.peek(1));
    var refusingPeek = f.validIf(cell -> g.apply(7) < 0);
    assertEquals(Optional.empty(), refusingPeek.peek(1));
    assertFalse(refusingPeek.isCached(1));
    assertEquals(Optional.empty(), f.peek(7), "f(7) was never computed");
  }

  @Test
  void expiryAndRulesAreCheckedWhereTheyAreGiven() {
    var f = memo(s, "pc.args", (Integer x) -> x);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> f.expireAfterWrite(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("pc.args.expireAfterWrite") && e.getMessage().contains("maxAge"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> f.expireAfterWrite(null));
    assertThrows(IllegalArgumentException.class, () -> f.validIf(null));
  }

  @Test
  void aRecursiveFunctionIsOneStatementAndCachesEveryLevel() {
    AtomicInteger computed = new AtomicInteger();
    MemoFn1<Integer, Long> fib = memoRecursive(s, "pc.fib", (self, n) -> {
      computed.incrementAndGet();
      return n < 2 ? (long) n : self.apply(n - 1) + self.apply(n - 2);
    });
    assertEquals(12586269025L, fib.apply(50));
    assertEquals(51, computed.get(), "each n computed once");
    assertEquals(51, fib.info().size());
    recorder.clear();
    assertEquals(832040L, fib.apply(30));
    assertEquals("HIT", recorder.kinds());
    MemoFn2<Integer, Integer, Long> paths = memoRecursive(s, "pc.paths", (self, r, c) ->
        r == 0 || c == 0 ? 1L : self.apply(r - 1, c) + self.apply(r, c - 1));
    assertEquals(137846528820L, paths.apply(20, 20), "lattice paths of a 20x20 grid");
  }

  @Test
  void aDeepRecursionNeedsNoMoreStackThanPlainRecursion() throws Exception {
    // Every level holds its cell's claim until it returns: 10,000 claims on a directory store take
    // about 9 s, on PostgreSQL (10,000 advisory locks of one session) about a minute; a recursion
    // a few hundred deep crosses the same thread changes there.
    int depth = kind == StoreKind.DIRECTORY ? 10_000 : 300;
    MemoFn1<Integer, Long> sum = memoRecursive(s, "pc.sum", (self, n) -> n == 0 ? 0L : n + self.apply(n - 1));
    sum.resize(20_000);
    AtomicReference<Object> result = new AtomicReference<>();
    // A thread whose stack fits a plain recursion 10,000 deep of this function, with little to spare.
    Thread t = new Thread(null, () -> {
      try {
        result.set(plainSum(10_000) + sum.apply(depth));
      } catch (Throwable e) {
        result.set(e);
      }
    }, "small stack", 2 << 20);
    t.start();
    t.join();
    assertEquals(50_005_000L + (long) depth * (depth + 1) / 2, result.get());
    assertEquals(depth + 1, sum.info().size());
  }

  private static long plainSum(int n) {
    return n == 0 ? 0L : n + plainSum(n - 1);
  }

  @Test
  void aRecursionThatComesBackToItsOwnCallIsAnErrorEvenDeep() {
    MemoFn1<Integer, Integer> loop = memoRecursive(s, "pc.loop", (self, n) -> n == 0 ? self.apply(100) : self.apply(n - 1));
    MemoException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(MemoException.class, () -> loop.apply(100)));
    assertTrue(e.getMessage().contains("pc.loop(100)"), e.getMessage());
    assertEquals(0, loop.info().size(), "nothing stored for calls that could not complete");
  }
}
