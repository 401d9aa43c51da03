package io.memokit.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.KeyWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract ({@link StoreBackend}, {@link BlockBackend}, {@link Claim}, {@link Presence}),
 * run against every backend: each backend's test class extends this one and says how to open a
 * fresh store and how to damage or lose one cell's stored bytes. After every test the store must
 * check clean ({@link StoreBackend#check}). Time comes from a clock the test moves, never from sleeping.
 */
public abstract class StoreBackendContract {

  /** The test's clock, in epoch milliseconds; tests move it. */
  protected final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  protected StoreBackend store;
  /** The code every test's cells are stored as computed by ({@link Provenance#codeOf}). */
  protected static final String CODE = "0123456789abcdef";

  /** A fresh, empty store opened with {@code settings}. */
  protected abstract StoreBackend openFresh(StoreSettings settings) throws Exception;

  /** Damages the stored bytes of {@code key}'s finished cell (as a disk error or a stray write would). */
  protected abstract void damage(BlockBackend block, CellKey key) throws Exception;

  /** Removes {@code key}'s stored cell behind the backend's back (a file deleted by hand, a row lost). */
  protected abstract void lose(BlockBackend block, CellKey key) throws Exception;

  /** Who the store records as the writer of this process's cells: its OS user, or the role it connects as. */
  protected abstract String expectedWriter();

  @BeforeEach
  void open() throws Exception {
    store = openFresh(StoreSettings.defaults().withMaxsize(100).withClock(now::get));
  }

  @AfterEach
  void storeChecksClean() {
    assertEquals(List.of(), store.check(false), "the store checks clean after the test");
  }

  protected static FunctionId fn(String name) {
    return new FunctionId(name, "1", 1);
  }

  protected static CellKey key(Object arg) {
    return KeyWriter.key(new Object[] {arg});
  }

  protected static Payload payload(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new Payload((byte) 3, Arrays.copyOf(b, b.length + 7), b.length, false, false);
  }

  protected static String text(Payload p) {
    return new String(p.bytes(), 0, p.length(), StandardCharsets.UTF_8);
  }

  /**
   * Computes {@code key}'s cell in {@code block} with {@code result}, claimed as the cell lifecycle
   * claims a cell it computes; returns its presence.
   */
  protected Presence put(BlockBackend block, CellKey key, Payload result) throws Exception {
    try (Claim claim = block.tryClaimToCompute(key)) {
      assertNotNull(claim, "an unclaimed cell can be claimed");
      claim.start();
      return claim.complete(result, new Claim.Timing(now.get(), 1_000, 2_000), CODE);
    }
  }

  /** Reads and hits {@code key}'s cell at the clock's time; returns its presence. */
  protected Presence hit(BlockBackend block, CellKey key) {
    StoredCell c = block.read(key);
    assertNotNull(c, "cell of " + key + " is stored");
    return block.hit(key, c);
  }

  @Test
  void aCellNeverComputedIsAbsent() {
    assertNull(store.block(fn("f")).read(key(1)));
  }

  @Test
  void aCompletedCellReadsBackWholeWithItsNumber() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Claim.Started started;
    Presence presence;
    try (Claim claim = b.tryClaim(key(1))) {
      started = claim.start();
      assertFalse(started.takenOver());
      presence = claim.complete(new Payload((byte) 1, "value".getBytes(StandardCharsets.UTF_8), 5, true, true),
          new Claim.Timing(now.get(), 10, 20), CODE);
    }
    assertNotNull(presence);
    assertEquals(started.cellId(), presence.cellId());
    assertTrue(presence.stillStored());
    StoredCell c = b.read(key(1));
    assertEquals(started.cellId(), c.cellId());
    assertEquals("value", text(c.payload()));
    assertEquals(1, c.payload().codec());
    assertTrue(c.payload().error());
    assertTrue(c.payload().shareable());
    assertNull(b.read(key(2)), "another key's cell is not this one");
    CellStatus status = b.cells().get(0);
    assertEquals(CellStatus.State.ERROR, status.state());
    assertTrue(status.bytes() > 0, "an exception's size is its bytes, like a value's: " + status);
  }

  @Test
  void aStoredCellSaysWhereItCameFromInADetailedListing() throws Exception {
    BlockBackend b = store.block(fn("f"));
    long stored = now.get();
    put(b, key(1), payload("value"));
    now.addAndGet(1_000);
    CellStatus c = b.cells(true).get(0);
    Provenance p = c.provenance();
    assertEquals(expectedWriter(), p.user());
    assertEquals(ProcessIdentity.HOST, p.host());
    assertEquals(ProcessIdentity.PID, p.pid());
    assertEquals(stored, p.writtenMillis(), "when it was stored, by the writer's clock");
    assertEquals(Runtime.version().toString(), p.jdk());
    assertEquals(MemokitVersion.get(), p.memokit());
    assertEquals(CODE, p.code());
    assertEquals(Provenance.UNKNOWN, b.cells(false).get(0).provenance(), "read only for a detailed listing");
    try (Claim claim = started(b, key(2))) {
      CellStatus computing = b.cells(true).stream().filter(s -> s.state() == CellStatus.State.COMPUTING).findFirst()
          .orElseThrow();
      assertEquals(Provenance.UNKNOWN, computing.provenance(), "a cell being computed was not written yet");
      claim.abandon();
    }
  }

  @Test
  void aClaimExcludesEveryOtherClaimUntilClosed() throws Exception {
    BlockBackend b = store.block(fn("f"));
    try (Claim claim = b.tryClaim(key(1))) {
      assertNotNull(claim);
      assertNull(onAnotherThread(() -> b.tryClaim(key(1))), "another thread cannot claim the cell");
      claim.start();
      CellHolder holder = b.holder(key(1));
      assertNotNull(holder, "the computing process is named");
      assertTrue(holder.isThisProcess());
      claim.abandon();
    }
    try (Claim again = b.tryClaim(key(1))) {
      assertNotNull(again, "a closed claim is released");
    }
  }

  @Test
  void anAbandonedCellLeavesNothing() throws Exception {
    BlockBackend b = store.block(fn("f"));
    try (Claim claim = b.tryClaim(key(1))) {
      claim.start();
      assertEquals(1, b.status().computing());
      claim.abandon();
    }
    assertNull(b.read(key(1)));
    assertEquals(0, b.status().size());
    assertEquals(List.of(), b.cells());
  }

  @Test
  void aClaimToComputeThatIsClosedUnstartedLeavesNothingAndGivesItsNumberBack() throws Exception {
    BlockBackend b = store.block(fn("f"));
    long first = put(b, key(0), payload("before")).cellId();
    try (Claim claim = b.tryClaimToCompute(key(1))) {
      assertNotNull(claim);
      assertNull(claim.stored());
    }
    assertNull(b.read(key(1)));
    assertEquals(0, b.status().computing());
    assertEquals(1, b.status().size());
    assertEquals(List.of(first), b.cells().stream().map(CellStatus::id).toList(), "only the stored cell is there");
    assertEquals(first + 1, put(b, key(1), payload("stored")).cellId(), "its number, if it drew one, is drawn again");
    try (Claim again = b.tryClaimToCompute(key(1))) {
      assertNotNull(again, "a closed claim is released");
      assertEquals("stored", text(again.stored().payload()), "a claim to compute reads a stored cell first");
    }
    assertEquals("stored", text(b.read(key(1)).payload()), "and leaves it as it is when closed unstarted");
  }

  /**
   * Lookups as the cell lifecycle makes them, in an order that takes every way a backend may have:
   * after a lookup that found its cell and after one that found none, for a stored cell, an absent
   * one, one another process computes, and a damaged one.
   */
  @Test
  void aLookupReadsAStoredCellWithItsTimingOrClaimsAnAbsentOne() throws Exception {
    BlockBackend b = store.block(fn("f"));
    long created = now.get() - 5_000;
    for (int k = 1; k <= 2; k++) {
      BlockBackend.Lookup miss = b.readOrClaimToCompute(key(k));
      assertNull(miss.stored());
      try (Claim claim = miss.claim()) {
        assertNotNull(claim, "an absent cell is claimed");
        assertNull(claim.stored());
        claim.start();
        assertNotNull(claim.complete(payload("v" + k), new Claim.Timing(created, 7, 9), CODE));
      }
    }
    for (int round = 0; round < 2; round++) { // after a miss, then after a hit
      BlockBackend.Lookup hit = b.readOrClaimToCompute(key(1));
      assertNull(hit.claim(), "a stored cell is read, not claimed");
      assertEquals("v1", text(hit.stored().payload()));
      assertEquals(new Claim.Timing(created, 7, 9), hit.stored().timing(), "read with its timing, for validity rules");
    }
    try (Claim held = b.tryClaimToCompute(key(3))) {
      assertNotNull(held);
      held.start();
      assertEquals(new BlockBackend.Lookup(null, null), onAnotherThread(() -> b.readOrClaimToCompute(key(3))),
          "after a hit: computed by another thread");
      b.readOrClaimToCompute(key(4)).claim().close();
      assertEquals(new BlockBackend.Lookup(null, null), onAnotherThread(() -> b.readOrClaimToCompute(key(3))),
          "after a miss: computed by another thread");
      held.abandon();
    }
    damage(b, key(2));
    BlockBackend.Lookup damaged = b.readOrClaimToCompute(key(2));
    assertNull(damaged.stored(), "damaged bytes are never returned");
    try (Claim claim = damaged.claim()) {
      assertNotNull(claim, "a damaged cell is claimed, to compute it again");
      claim.start();
      claim.complete(payload("again"), new Claim.Timing(now.get(), 1, 1), CODE);
    }
    assertEquals("again", text(b.read(key(2)).payload()));
    assertEquals(2, b.status().size(), "the cells of keys 1 and 2; none of 3 and 4, given up");
  }

  /** {@code work}, started now on another thread. */
  protected static <T> CompletableFuture<T> startOnAnotherThread(java.util.concurrent.Callable<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.call();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
  }

  /** What {@code work} returns when another thread runs it. */
  protected static <T> T onAnotherThread(java.util.concurrent.Callable<T> work) throws Exception {
    return startOnAnotherThread(work).get();
  }

  @Test
  void aClaimToComputeOfAStoredCellReplacesItOnlyWhenStarted() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("old"));
    try (Claim claim = b.tryClaimToCompute(key(1))) {
      assertEquals("old", text(claim.stored().payload()));
      Claim.Started started = claim.start(); // the caller found it stale (expired, or unreadable to it)
      assertFalse(started.takenOver());
      assertNotNull(claim.complete(payload("new"), new Claim.Timing(now.get(), 1, 1), CODE));
    }
    assertEquals("new", text(b.read(key(1)).payload()));
    assertEquals(1, b.status().size(), "one entry for the key");
  }

  /** Claims and starts {@code key}'s cell of {@code block}, held open; returns the claim. */
  private static Claim started(BlockBackend block, CellKey key) throws Exception {
    Claim claim = block.tryClaim(key);
    assertNotNull(claim, "an unclaimed cell can be claimed");
    claim.start();
    return claim;
  }

  /** The number the next cell started in the store draws (its cell is abandoned, giving it back). */
  private long nextNumber() throws Exception {
    try (Claim probe = started(store.block(fn("probe")), key("probe"))) {
      long n = store.block(fn("probe")).holder(key("probe")).cellId();
      probe.abandon();
      return n;
    }
  }

  @Test
  void anAbandonedCellGivesItsNumberBackToTheNextCellOfAnyBlock() throws Exception {
    BlockBackend f = store.block(fn("f"));
    long first = put(f, key(0), payload("before")).cellId();
    for (int i = 1; i <= 3; i++) {
      try (Claim claim = started(f, key(i))) {
        assertEquals(first + 1, f.holder(key(i)).cellId(), "attempt " + i + " draws the number given back");
        claim.abandon();
      }
    }
    assertEquals(first + 1, put(store.block(fn("g")), key(1), payload("stored")).cellId(),
        "the next stored cell, of another block, takes it: no gap");
    assertEquals(4, f.status().misses(), "every computation is a miss, stored or not");
    assertEquals(1, f.status().size());
  }

  @Test
  void aNumberIsGivenBackOnlyIfNoLaterOneWasDrawn() throws Exception {
    BlockBackend f = store.block(fn("f"));
    long n = nextNumber();
    Claim a = started(f, key("a"));
    Claim b = started(f, key("b"));
    assertEquals(n + 1, f.holder(key("b")).cellId());
    a.abandon(); // n + 1 was drawn after it: n stays unused
    a.close();
    b.complete(payload("b"), new Claim.Timing(now.get(), 1, 1), CODE);
    b.close();
    assertEquals(n + 2, put(f, key("c"), payload("c")).cellId(), "n is never drawn again once a later number was");

    long m = nextNumber();
    Claim c = started(f, key("d"));
    Claim d = started(f, key("e"));
    d.abandon(); // the last drawn: given back
    d.close();
    c.abandon(); // the last drawn once m + 1 was given back: given back too
    c.close();
    assertEquals(m, put(f, key("f"), payload("f")).cellId(), "both given back, in reverse order");
    assertEquals(m + 1, put(f, key("g"), payload("g")).cellId());
  }

  @Test
  void numbersGivenBackWhileOthersAreDrawnAreNeverHeldByTwoCells() throws Exception {
    int threads = 4;
    int each = 40;
    List<CompletableFuture<List<Long>>> runs = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      BlockBackend b = store.block(fn("f" + t));
      runs.add(startOnAnotherThread(() -> {
        List<Long> kept = new java.util.ArrayList<>();
        for (int i = 0; i < each; i++) {
          try (Claim claim = started(b, key(i))) {
            if (i % 3 == 0) {
              kept.add(claim.complete(payload("v" + i), new Claim.Timing(now.get(), 1, 1), CODE).cellId());
            } else {
              claim.abandon();
            }
          }
        }
        return kept;
      }));
    }
    List<Long> kept = new java.util.ArrayList<>();
    for (CompletableFuture<List<Long>> run : runs) kept.addAll(run.get());
    assertEquals(threads * ((each + 2) / 3), kept.size());
    assertEquals(kept.size(), kept.stream().distinct().count(), "every stored cell has a number of its own: " + kept);
    long next = nextNumber();
    assertTrue(kept.stream().allMatch(id -> id < next), "the next number is above every stored one: " + next);
  }

  @Test
  void cellNumbersAreUniqueAcrossBlocks() throws Exception {
    long a = put(store.block(fn("f")), key(1), payload("a")).cellId();
    long b = put(store.block(fn("g")), key(1), payload("b")).cellId();
    long c = put(store.block(fn("f")), key(2), payload("c")).cellId();
    assertTrue(a < b && b < c, a + " " + b + " " + c);
    assertEquals(List.of(fn("f"), fn("g")), store.blockIds().stream().sorted(
        java.util.Comparator.comparing(FunctionId::label)).toList());
  }

  @Test
  void clearRemovesEveryCellAndWhatProcessesRemember() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Presence p = put(b, key(1), payload("a"));
    put(b, key(2), payload("b"));
    assertEquals(2, b.clear());
    assertFalse(p.stillStored(), "a cleared cell is no longer answered from memory");
    assertNull(b.read(key(1)));
    assertEquals(0, b.status().size());
  }

  @Test
  void aCellClearedWhileComputedIsLost() throws Exception {
    BlockBackend b = store.block(fn("f"));
    try (Claim claim = b.tryClaim(key(1))) {
      claim.start();
      b.clear();
      assertNull(claim.complete(payload("late"), new Claim.Timing(now.get(), 1, 1), CODE), "not stored: it was cleared");
    }
    assertNull(b.read(key(1)));
  }

  @Test
  void cellsRemovedByNumberAreOnlyThoseFinishedInTheBlockAndNoProcessAnswersThemAgain() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Presence one = put(b, key(1), payload("one"));
    Presence two = put(b, key(2), payload("two"));
    long bytes = b.status().bytes();
    BlockBackend g = store.block(fn("g"));
    long ofAnotherBlock = put(g, key(1), payload("g's")).cellId();
    try (Claim computing = started(b, key(3))) {
      long computingId = b.holder(key(3)).cellId();
      assertEquals(1, b.removeCells(java.util.Set.of(one.cellId(), computingId, ofAnotherBlock, 1_000_000L)));
      assertFalse(one.stillStored(), "removed: no longer answered from memory");
      assertTrue(two.stillStored(), "the other cell stays");
      assertNull(b.read(key(1)));
      assertEquals("two", text(b.read(key(2)).payload()));
      assertNotNull(g.read(key(1)), "another block's cell of that number is not this block's");
      assertEquals(2, b.status().size(), "the cell left and the one being computed");
      assertTrue(b.status().bytes() < bytes, "its bytes are no longer counted");
      assertNotNull(computing.complete(payload("three"), new Claim.Timing(now.get(), 1, 1), CODE),
          "a cell being computed is never removed: it is stored");
    }
    assertEquals(0, b.removeCells(java.util.Set.of(one.cellId())), "a number removed is not there any more");
    assertEquals(2, b.status().size());
  }

  @Test
  void clearErrorsRemovesOnlyStoredExceptions() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("value"));
    put(b, key(2), new Payload((byte) 3, new byte[] {1}, 1, true, false));
    assertEquals(1, b.status().errors());
    assertEquals(1, b.clearErrors());
    assertNotNull(b.read(key(1)));
    assertNull(b.read(key(2)));
  }

  @Test
  void theLeastRecentlyHitCellIsEvictedAsHitsHappenedNotAsTheyWerePublished() throws Exception {
    BlockBackend b = store.block(fn("f"));
    b.resize(2);
    Presence a = put(b, key("a"), payload("a"));
    now.addAndGet(10);
    put(b, key("b"), payload("b"));
    now.addAndGet(10);
    hit(b, key("b"));                        // b hit at t+20
    a.publishHits(1, now.get() + 5);         // a hit from memory at t+25, published later
    now.addAndGet(100);
    Claim.Started started;
    try (Claim claim = b.tryClaim(key("c"))) {
      started = claim.start();
      claim.complete(payload("c"), new Claim.Timing(now.get(), 1, 1), CODE);
    }
    assertEquals(1, started.evicted());
    assertNull(b.read(key("b")), "b, hit before a, is evicted");
    assertNotNull(b.read(key("a")));
    assertTrue(a.stillStored());
  }

  @Test
  void hitsPublishedAfterTheirCellWasRemovedStillCount() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Presence p = put(b, key(1), payload("a"));
    hit(b, key(1));
    b.clear();
    p.publishHits(3, now.get()); // answered from memory before the clear, published after it
    assertEquals(4, b.status().hits(), "every hit answered is counted, its cell gone or not");
  }

  @Test
  void resizeKeepsTheMostRecentlyHitCells() throws Exception {
    BlockBackend b = store.block(fn("f"));
    for (int i = 0; i < 5; i++) {
      put(b, key(i), payload("v" + i));
      now.addAndGet(1);
    }
    hit(b, key(0));
    assertEquals(3, b.resize(2));
    assertEquals(2, b.maxsize());
    assertNotNull(b.read(key(0)));
    assertNotNull(b.read(key(4)));
    assertEquals(2, b.status().size());
  }

  @Test
  void aFullBlockNeverHoldsMoreThanItsMaxsize() throws Exception {
    BlockBackend b = store.block(fn("f"));
    b.resize(3);
    for (int i = 0; i < 20; i++) {
      put(b, key(i), payload("v" + i));
      now.addAndGet(1);
      assertTrue(b.status().size() <= 3, "size " + b.status().size() + " after " + (i + 1) + " cells");
    }
    assertNotNull(b.read(key(19)), "the newest cell stays");
  }

  @Test
  void statusCountsHitsMissesErrorsAndBytes() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("12345"));
    put(b, key(2), new Payload((byte) 3, new byte[] {1, 2}, 2, true, false));
    hit(b, key(1));
    hit(b, key(1));
    BlockStatus s = b.status();
    assertEquals(2, s.misses());
    assertEquals(2, s.hits());
    assertEquals(2, s.size());
    assertEquals(1, s.errors());
    assertEquals(0, s.computing());
    assertTrue(s.bytes() >= 7, "bytes " + s.bytes());
    List<CellStatus> cells = b.cells();
    assertEquals(2, cells.size());
    CellStatus first = cells.stream().filter(c -> c.state() == CellStatus.State.VALUE).findFirst().orElseThrow();
    assertEquals(2, first.hits());
    assertEquals(now.get(), first.lastHitMillis());
    assertEquals(1_000, first.cpuNanos());
    assertEquals(2_000, first.wallNanos());
    assertTrue(store.bytes() >= s.bytes());
  }

  @Test
  void aDamagedCellIsReportedAbsentAndRecomputedNeverReturned() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("good"));
    damage(b, key(1));
    assertNull(b.read(key(1)), "damaged bytes are never returned");
    put(b, key(1), payload("again"));
    assertEquals("again", text(b.read(key(1)).payload()));
    assertEquals(1, b.status().size());
  }

  @Test
  void aCellLostBehindTheBackendsBackIsRecomputedIntoOneEntry() throws Exception {
    BlockBackend b = store.block(fn("f"));
    b.resize(3);
    put(b, key(1), payload("one"));
    lose(b, key(1));
    assertNull(b.read(key(1)));
    put(b, key(1), payload("one again"));
    assertEquals(1, b.status().size(), "one entry for the key, not a stale one beside the new");
    for (int i = 2; i <= 6; i++) {
      now.addAndGet(1);
      hit(b, key(1));
      put(b, key(i), payload("v" + i));
    }
    assertEquals("one again", text(b.read(key(1)).payload()), "evictions never removed the live cell");
  }

  @Test
  void aRemovedBlockIsEmptyForEveryProcessThatRemembersIt() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Presence p = put(b, key(1), payload("a"));
    store.removeBlock(fn("f"));
    assertFalse(p.stillStored(), "a removed block's cells are no longer answered from memory");
    assertEquals(List.of(), store.blockIds());
    assertNull(store.block(fn("f")).read(key(1)));
  }

  @Test
  void theCheckOfASoundStoreFindsNothing() throws Exception {
    put(store.block(fn("f")), key(1), payload("a"));
    put(store.block(fn("g")), key(1), payload("b"));
    assertEquals(List.of(), store.check(true));
  }

  @Test
  void theStoresByteLimitEvictsTheLeastRecentlyHitCellsOfAnyBlock() throws Exception {
    BlockBackend f = store.block(fn("f"));
    BlockBackend g = store.block(fn("g"));
    String big = "x".repeat(1000);
    put(f, key(1), payload(big));
    now.incrementAndGet();
    put(g, key(1), payload(big));
    now.incrementAndGet();
    put(f, key(2), payload(big));
    now.incrementAndGet();
    hit(f, key(1)); // f(1) is now the most recently hit; g(1) the least
    now.incrementAndGet();
    long cell = f.status().bytes() / 2;
    assertEquals(0, store.limitBytes(cell * 7 / 2), "three cells fit under three and a half");
    assertEquals(cell * 7 / 2, store.byteLimit());
    put(g, key(2), payload(big));
    assertNull(g.read(key(1)), "the least recently hit cell of any block is evicted");
    assertNotNull(f.read(key(1)));
    assertNotNull(f.read(key(2)));
    assertNotNull(g.read(key(2)));
    assertTrue(f.status().bytes() + g.status().bytes() <= cell * 7 / 2);
    assertEquals(3, store.limitBytes(cell), "a lower limit evicts at once, down to 95% of it: no cell fits");
    assertEquals(0, f.status().size() + g.status().size());
    assertEquals(0, store.limitBytes(0));
    assertEquals(0, store.byteLimit());
  }
}
