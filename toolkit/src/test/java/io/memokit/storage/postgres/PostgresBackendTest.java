package io.memokit.storage.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.Backends;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.Provenance;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreBackendContract;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import io.memokit.storage.StoredCell;
import io.memokit.storage.WaitBoard;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage contract on a real PostgreSQL server ({@link PostgresServer}: a fresh database per
 * test), and what only a shared database has: fencing of a claim whose session ended, a role that
 * may only read, the bound on how soon another process's clear is seen, payloads in chunks,
 * connection counts, the schema's version, passwords kept out of messages.
 */
class PostgresBackendTest extends StoreBackendContract {

  private final PostgresServer server = PostgresServer.get();
  private String database;
  private final List<PostgresBackend> opened = new ArrayList<>();
  private final List<String> roles = new ArrayList<>();

  /** After the contract's own checks (an extension's afterEach runs after every @AfterEach method). */
  @RegisterExtension
  final AfterEachCallback closeAndDrop = context -> {
    for (PostgresBackend b : opened) b.close();
    if (database != null) server.dropDatabase(database);
    try (Connection c = server.admin("postgres"); Statement st = c.createStatement()) {
      for (String role : roles) st.execute("DROP ROLE IF EXISTS " + role);
    }
  };

  @Override
  protected StoreBackend openFresh(StoreSettings settings) throws Exception {
    database = server.createDatabase();
    StoreBackend b = Backends.open(server.url(database), settings);
    opened.add((PostgresBackend) b);
    return b;
  }

  /** Another backend on the test's database: what another process (on any host) sees. */
  private PostgresBackend another() {
    return opened(server.url(database));
  }

  private PostgresBackend opened(String url) {
    PostgresBackend b = PostgresBackend.connect(url, StoreSettings.defaults().withMaxsize(100).withClock(now::get));
    opened.add(b);
    return b;
  }

  private Connection admin() throws SQLException {
    return server.admin(database);
  }

  private static final String CELL = "FROM memokit.cells c JOIN memokit.blocks b ON b.id = c.block_id "
      + "WHERE b.name = ? AND b.version = ? AND b.code = ? AND b.arity = ? AND c.key_hi = ? AND c.key_lo = ?";

  /** The key's computation in progress, as {@link #CELL} finds its cell. */
  private static final String COMPUTATION = CELL.replace("memokit.cells", "memokit.computing");

  private PreparedStatement onCell(Connection c, String sql, BlockBackend block, CellKey key) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    int i = BlockSql.bindIdentity(p, 1, block.id());
    p.setLong(i, key.hashHi());
    p.setLong(i + 1, key.hashLo());
    return p;
  }

  @Override
  protected void damage(BlockBackend block, CellKey key) throws Exception {
    try (Connection c = admin()) {
      try (PreparedStatement p = onCell(c, "UPDATE memokit.cells SET payload = set_byte(payload, length(payload) / 3, "
          + "get_byte(payload, length(payload) / 3) # 64) WHERE payload IS NOT NULL AND id = (SELECT c.id " + CELL + ")",
          block, key)) {
        if (p.executeUpdate() == 1) return;
      }
      try (PreparedStatement p = onCell(c, "UPDATE memokit.chunks SET data = set_byte(data, 7, get_byte(data, 7) # 64) "
          + "WHERE seq = 0 AND token = (SELECT c.token " + CELL + ")", block, key)) {
        assertEquals(1, p.executeUpdate(), "the cell has a payload to damage");
      }
    }
  }

  @Override
  protected void lose(BlockBackend block, CellKey key) throws Exception {
    try (Connection c = admin();
         PreparedStatement p = onCell(c, "DELETE FROM memokit.cells WHERE id = (SELECT c.id " + CELL + ")", block, key)) {
      assertEquals(1, p.executeUpdate());
    }
  }

  @Override
  protected String expectedWriter() {
    return server.user();
  }

  private Claim.Timing timing() {
    return new Claim.Timing(now.get(), 1, 1);
  }

  /** Ends the session that holds {@code key}'s claim, as the server does when a process dies or its network goes. */
  private void terminateClaimer(BlockBackend block, CellKey key) throws SQLException {
    try (Connection c = admin();
         PreparedStatement p = onCell(c, "SELECT pg_terminate_backend(c.holder_backend) " + COMPUTATION, block, key);
         ResultSet r = p.executeQuery()) {
      assertTrue(r.next() && r.getBoolean(1), "the claiming session was ended");
    }
  }

  /** Claims {@code key} as a waiter does (the backend asks the server at most every 100 ms); null after {@code millis}. */
  private static Claim claimWithin(BlockBackend block, CellKey key, long millis, boolean toCompute) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      Claim c = claim(block, key, toCompute);
      if (c != null) return c;
      Thread.sleep(5);
    }
    return null;
  }

  // ---- fencing --------------------------------------------------------------------------------

  @Test
  void aBlockInUseIsSeenByOthersUntilTheUsingSessionEnds() throws Exception {
    PostgresBackend user = another();
    PostgresBackend other = another();
    user.block(fn("f"));
    assertEquals(List.of(), other.usersOf(fn("f")), "opening a block is not using it");
    user.markInUse(fn("f"));
    user.markInUse(fn("f"));
    List<io.memokit.storage.BlockUser> users = other.usersOf(fn("f"));
    assertEquals(List.of(new io.memokit.storage.BlockUser(ProcessHandle.current().pid(),
        io.memokit.storage.ProcessIdentity.HOST)), users);
    assertEquals(List.of(), other.usersOf(fn("g")), "another block is not in use");
    assertEquals(List.of(), user.usersOf(fn("f")), "its own use is not another process's");
    other.markInUse(fn("f"));
    assertEquals(1, user.usersOf(fn("f")).size(), "used by two: each sees the other");
    // A broken session: the next one takes every use again.
    terminateSession(user.lockSession().backendPid());
    user.markInUse(fn("g"));
    assertEquals(1, other.usersOf(fn("f")).size(), "the use of f came back with the new session");
    assertEquals(1, other.usersOf(fn("g")).size());
    user.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!other.usersOf(fn("f")).isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
    assertEquals(List.of(), other.usersOf(fn("f")), "the use ended with its session");
  }

  private void terminateSession(int backendPid) throws SQLException {
    try (Connection c = admin(); PreparedStatement p = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      p.setInt(1, backendPid);
      p.execute();
    }
  }

  /** A claim as the cell lifecycle makes it to compute ({@code toCompute}: started with the claim), or not. */
  private static Claim claim(BlockBackend b, CellKey key, boolean toCompute) throws Exception {
    return toCompute ? b.tryClaimToCompute(key) : b.tryClaim(key);
  }

  @ParameterizedTest(name = "claimed to compute: {0}")
  @ValueSource(booleans = {false, true})
  void aClaimWhoseSessionEndedLosesItsCellToTheProcessThatTookItOver(boolean toCompute) throws Exception {
    BlockBackend mine = store.block(fn("f"));
    BlockBackend theirs = another().block(fn("f"));
    Claim first = claim(mine, key(1), toCompute);
    Claim.Started started = first.start();
    assertNull(claim(theirs, key(1), toCompute), "held by the first session");
    terminateClaimer(mine, key(1));
    long ended = System.nanoTime();
    Claim second = claimWithin(theirs, key(1), 1_000, toCompute);
    assertNotNull(second, "a waiter takes the cell over within a second of the session's end");
    long tookOver = System.nanoTime() - ended;
    Claim.Started again = second.start();
    assertTrue(again.takenOver(), "the computing row was left by a session that ended: taken over");
    assertEquals(started.cellId(), again.cellId(), "the cell keeps its number");
    assertNotNull(second.complete(payload("second"), timing(), CODE));
    second.close();
    assertNull(first.complete(payload("first"), timing(), CODE), "the first claim was lost: its result is not stored");
    first.close();
    assertEquals("second", text(mine.read(key(1)).payload()), "the value of the process that took over stays");
    assertEquals(1, mine.status().size(), "one cell, not two");
    assertTrue(tookOver < TimeUnit.SECONDS.toNanos(1), "took over after " + tookOver / 1_000_000 + " ms");
    try (Claim third = mine.tryClaim(key(2))) {
      assertNotNull(third, "the first process claims again, on a new session");
    }
  }

  /**
   * A claim's statement that a deadlock rolls back runs again; one that fails for good gives back
   * the session lock it took, which a rolled-back transaction would otherwise leave held until the
   * session ends.
   */
  @ParameterizedTest(name = "failures: {0}")
  @ValueSource(ints = {1, 100})
  void aClaimThatADeadlockRollsBackIsMadeAgainOrGivesItsLockBack(int failures) throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(0), payload("the block exists"));
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE SEQUENCE public.failures");
      st.execute("CREATE FUNCTION public.fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " IF nextval('public.failures') <= " + failures + " THEN"
          + "   RAISE EXCEPTION 'deadlock detected (a test''s)' USING ERRCODE = '40P01';"
          + " END IF; RETURN NEW; END $$");
      st.execute("CREATE TRIGGER fail BEFORE INSERT ON memokit.computing FOR EACH ROW EXECUTE FUNCTION public.fail()");
    }
    try {
      if (failures == 1) {
        try (Claim claim = b.tryClaimToCompute(key(1))) {
          assertNotNull(claim, "claimed on the second run of its statement");
          claim.start();
          assertNotNull(claim.complete(payload("v"), timing(), CODE));
        }
        assertEquals("v", text(b.read(key(1)).payload()));
      } else {
        assertThrows(java.io.IOException.class, () -> b.tryClaimToCompute(key(1)));
        try (Connection c = admin(); Statement st = c.createStatement()) {
          st.execute("DROP TRIGGER fail ON memokit.computing");
        }
        try (Claim theirs = another().block(fn("f")).tryClaimToCompute(key(1))) {
          assertNotNull(theirs, "the failed claim gave its lock back: another process claims the cell at once");
        }
      }
    } finally {
      try (Connection c = admin(); Statement st = c.createStatement()) {
        st.execute("DROP TRIGGER IF EXISTS fail ON memokit.computing");
        st.execute("DROP FUNCTION public.fail()");
        st.execute("DROP SEQUENCE public.failures");
      }
    }
  }

  /**
   * A completion in the claim's session releases the claim in its own transaction: another process
   * must get the claim only once that transaction has committed, or its read would find no cell
   * and compute it again. The commit is slowed by a deferred trigger (it runs after the routine
   * has released the claim): meanwhile the other process's claims are refused, then the first one
   * granted reads the stored cell.
   */
  @ParameterizedTest(name = "claimed to compute: {0}")
  @ValueSource(booleans = {false, true})
  void aClaimReleasedByACompletionIsTakenAgainOnlyOnceItsTransactionHasCommitted(boolean toCompute)
      throws Exception {
    BlockBackend mine = store.block(fn("f"));
    BlockBackend theirs = another().block(fn("f"));
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE FUNCTION memokit.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "PERFORM pg_sleep(1.5); RETURN NULL; END $$");
      st.execute("CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON memokit.cells DEFERRABLE INITIALLY DEFERRED "
          + "FOR EACH ROW EXECUTE FUNCTION memokit.slow_commit()");
    }
    Claim claim = mine.tryClaimToCompute(key(1));
    claim.start();
    java.util.concurrent.CompletableFuture<Presence> completing =
        startOnAnotherThread(() -> claim.complete(payload("one"), timing(), CODE));
    Thread.sleep(500);
    assertFalse(completing.isDone(), "the completion is committing");
    while (!completing.isDone()) {
      try (Claim other = claim(theirs, key(1), toCompute)) {
        if (other == null) continue;
        assertTrue(completing.isDone(), "claimed while the completion was still committing");
        assertNotNull(other.stored(), "the claim taken after the commit reads the cell");
      }
    }
    assertNotNull(completing.get());
    claim.close();
    try (Claim other = claimWithin(theirs, key(1), 1000, toCompute)) {
      assertNotNull(other);
      assertEquals("one", text(other.stored().payload()));
    }
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP TRIGGER slow_commit ON memokit.cells");
    }
  }

  /**
   * A completion that finds the key's cell already stored (by a process that claimed the cell in
   * the moment between this claim's end and its completion's commit) keeps that cell and stores
   * nothing: its result is lost, not an error, and its miss is counted.
   */
  @Test
  void aCompletionThatFindsItsCellStoredKeepsItAndIsLost() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Claim claim = b.tryClaimToCompute(key(1));
    claim.start();
    try (Connection c = admin(); PreparedStatement p = c.prepareStatement("INSERT INTO memokit.cells (block_id, key_hi, "
        + "key_lo, id, state, token, lock_key, created, last_hit) SELECT b.id, ?, ?, 1000000, 1, nextval('memokit.tokens'), "
        + "0, 0, 0 FROM memokit.blocks b")) {
      p.setLong(1, key(1).hashHi());
      p.setLong(2, key(1).hashLo());
      assertEquals(1, p.executeUpdate(), "stored meanwhile, by hand");
    }
    assertNull(claim.complete(payload("mine"), timing(), CODE), "lost: the cell stored meanwhile stays");
    claim.close();
    assertEquals(List.of(1000000L), b.cells().stream().map(CellStatus::id).toList());
    assertEquals(1, b.status().misses(), "the computation is counted");
    assertEquals(0, b.status().computing());
    store.check(true); // the row made by hand holds no payload, and its block does not count it
  }

  @ParameterizedTest(name = "claimed to compute: {0}")
  @ValueSource(booleans = {false, true})
  void aClaimWhoseSessionEndedCannotStoreEvenIfNobodyTookItOver(boolean toCompute) throws Exception {
    BlockBackend b = store.block(fn("f"));
    try (Claim claim = claim(b, key(1), toCompute)) {
      claim.start();
      terminateClaimer(b, key(1));
      Thread.sleep(100); // the server ends the session
      assertNull(claim.complete(payload("late"), timing(), CODE), "a claim without its lock stores nothing");
    }
    assertNull(b.read(key(1)));
    assertEquals(0, b.status().size(), "its computing row is removed");
  }

  @Test
  void aProcessHoldingManyClaimsUsesOneSessionForThem() throws Exception {
    BlockBackend b = store.block(fn("f"));
    List<Claim> claims = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Claim c = b.tryClaim(key(i));
        c.start();
        claims.add(c);
      }
      try (Connection c = admin(); PreparedStatement p = c.prepareStatement(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND application_name = 'memokit'")) {
        p.setString(1, database);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          assertTrue(r.getInt(1) <= 1 + Connections.MAX, r.getInt(1) + " sessions for 50 claims");
        }
      }
    } finally {
      for (Claim c : claims) {
        c.abandon();
        c.close();
      }
    }
  }

  @Test
  void aWaitingProcessAsksTheServerAboutTheCellAtMostEvery100Ms() throws Exception {
    BlockBackend b = store.block(fn("f"));
    BlockBackend waiter = another().block(fn("f"));
    try (Claim claim = b.tryClaim(key(1)); Connection c = admin(); Statement st = c.createStatement()) {
      claim.start();
      st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      st.execute("SELECT pg_stat_statements_reset()");
      int polls = 0;
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(600)) { // the cell lifecycle polls from 1 ms up
        assertNull(waiter.read(key(1)));
        assertNull(waiter.tryClaim(key(1)));
        assertNotNull(waiter.holder(key(1)));
        polls++;
        Thread.sleep(1);
      }
      for (String statement : List.of("claim_cell", "c.payload, c.chunks", "c.holder_pid")) {
        try (ResultSet r = st.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = "
            + "(SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%" + statement + "%'")) {
          r.next();
          long n = r.getLong(1);
          assertTrue(n >= 1 && n <= 8, n + " statements with " + statement + " in 600 ms of " + polls
              + " polls: none, or more than one per 100 ms");
        }
      }
      assertTrue(polls > 100, "the loop polled " + polls + " times");
      claim.abandon();
    }
  }

  // ---- roles ---------------------------------------------------------------------------------

  private String role(String kind, String grants) throws SQLException {
    String role = kind + "_" + database;
    roles.add(role);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
      for (String grant : grants.split(";")) st.execute(grant.replace("ROLE", role));
    }
    return role;
  }

  @Test
  void aRoleThatMayOnlyReadGetsHitsAndAClearErrorOnAMiss() throws Exception {
    put(store.block(fn("f")), key(1), payload("stored"));
    String role = role("reader", "GRANT USAGE ON SCHEMA memokit TO ROLE; GRANT SELECT ON ALL TABLES IN SCHEMA memokit TO ROLE");
    PostgresBackend reader = opened(server.url(database, role, "pw-" + role));
    BlockBackend b = reader.block(fn("f"));
    StoredCell cell = b.read(key(1));
    assertEquals("stored", text(cell.payload()));
    Presence p = b.hit(key(1), cell);
    assertNotNull(p, "a hit is remembered");
    assertTrue(p.stillStored());
    p.publishHits(3, now.get()); // statistics only: silently not counted
    assertEquals(1, b.status().size());
    StoreException e = assertThrows(StoreException.class, () -> b.tryClaim(key(2)));
    assertTrue(e.getMessage().contains("role " + role) && e.getMessage().contains("INSERT")
        && e.getMessage().contains("memokit.cells") && e.getMessage().contains("f{1}(1)")
        && e.getMessage().contains("GRANT"), e.getMessage());
    assertFalse(e.getMessage().contains("pw-"), "no password in " + e.getMessage());
    StoreException clear = assertThrows(StoreException.class, b::clear);
    assertTrue(clear.getMessage().contains("permission denied") && clear.getMessage().contains(role), clear.getMessage());
  }

  @Test
  void aRoleWithTheGrantsTheRefusalAdvisesComputesCells() throws Exception {
    String role = role("writer", "GRANT USAGE ON SCHEMA memokit TO ROLE; "
        + "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA memokit TO ROLE; "
        + "GRANT USAGE ON ALL SEQUENCES IN SCHEMA memokit TO ROLE");
    PostgresBackend writer = opened(server.url(database, role, "pw-" + role));
    BlockBackend b = writer.block(fn("f"));
    long n = put(b, key(1), payload("by a role that is not the schema's owner")).cellId();
    try (Claim claim = b.tryClaim(key(2))) {
      claim.start();
      claim.abandon(); // gives n + 1 back, though the role may not set the sequence itself
    }
    assertEquals(n + 1, put(b, key(3), payload("next")).cellId());
    put(store.block(fn("f")), key(4), payload("by the owner"));
    Map<Long, String> writers = new HashMap<>();
    for (CellStatus c : b.cells(true)) writers.put(c.id(), c.provenance().user());
    assertEquals(Map.of(n, role, n + 1, role, n + 2, server.user()), writers,
        "each cell names the role that stored it, as the server knows the session");
    assertEquals(3, b.clear());
    assertEquals(List.of(), writer.check(true));
  }

  @Test
  void aRoleThatCannotReadTheSchemaIsRefusedNamingTheRight() throws Exception {
    String role = role("stranger", "SELECT 1");
    StoreException e = assertThrows(StoreException.class, () -> opened(server.url(database, role, "pw-" + role)));
    assertTrue(e.getMessage().contains("USAGE on schema memokit") && e.getMessage().contains(role), e.getMessage());
  }

  // ---- presence: how soon a removal elsewhere is seen ----------------------------------------

  /** Calls {@code p.stillStored()} until it answers false; every call begun after the bound must. Returns ms. */
  private static long untilGone(Presence p, long removedAt) throws InterruptedException {
    long bound = TimeUnit.MILLISECONDS.toNanos(Watches.TRUST_MILLIS);
    for (;;) {
      long asked = System.nanoTime();
      if (!p.stillStored()) return (System.nanoTime() - removedAt) / 1_000_000;
      assertTrue(asked - removedAt <= bound, "still answered from memory " + (asked - removedAt) / 1_000_000
          + " ms after the removal");
      Thread.sleep(1);
    }
  }

  @Test
  void aClearOrEvictionByAnotherProcessIsSeenWithinTheBound() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Presence byHand = put(b, key(1), payload("a"));
    now.incrementAndGet();
    Presence evicted = put(b, key(2), payload("b"));
    now.incrementAndGet();
    Presence kept = put(b, key(3), payload("c"));
    Presence alsoKept = put(b, key(4), payload("d"));
    for (Presence p : List.of(byHand, evicted, kept, alsoKept)) assertTrue(p.stillStored());
    Thread.sleep(300); // the poller is running: the bound is measured, not a first read
    BlockBackend other = another().block(fn("f"));

    assertEquals(0, other.clearErrors(), "removes nothing: the block's generation does not move");
    assertTrue(byHand.stillStored());
    try (Connection c = admin(); PreparedStatement p = onCell(c,
        "DELETE FROM memokit.cells WHERE id = (SELECT c.id " + CELL + ")", b, key(1))) {
      assertEquals(1, p.executeUpdate(), "an administrator's SQL removes the first cell");
    }
    long seen1 = untilGone(byHand, System.nanoTime());
    assertTrue(evicted.stillStored(), "re-validated at the new generation: the next removal is seen by the poll");
    assertEquals(1, other.resize(2), "the least recently hit of the three left, key 2, is evicted elsewhere");
    long seen2 = untilGone(evicted, System.nanoTime());
    assertTrue(kept.stillStored(), "a cell not removed stays valid when others of its block go");
    other.clear();
    long seen3 = untilGone(kept, System.nanoTime());
    assertFalse(alsoKept.stillStored());
    System.out.println("PostgreSQL store: removals by another process seen after " + seen1 + ", " + seen2 + ", "
        + seen3 + " ms (bound " + Watches.TRUST_MILLIS + " ms, poll every " + Watches.POLL_MILLIS + " ms)");
  }

  @Test
  void aHitFromMemoryTakesUnderAMicrosecond() throws Exception {
    Presence p = put(store.block(fn("f")), key(1), payload("a"));
    int n = 2_000_000;
    long worstAverage = 0;
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!p.stillStored()) throw new AssertionError("the cell is stored");
      }
      worstAverage = (System.nanoTime() - t0) / n;
    }
    assertTrue(worstAverage < 1_000, "a hit from memory took " + worstAverage + " ns");
    System.out.println("PostgreSQL store: stillStored() of a remembered cell takes " + worstAverage + " ns");
  }

  // ---- payloads ------------------------------------------------------------------------------

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  @Test
  void aValueOfManyChunksIsStreamedWithoutASecondCopyAndChecked() throws Exception {
    BlockBackend b = store.block(fn("big"));
    int size = 5 * Payloads.CHUNK + 3;
    byte[] value = new byte[size + 10];
    new Random(7).nextBytes(value);
    long before = allocated();
    try (Claim claim = b.tryClaim(key(1))) {
      claim.start();
      assertNotNull(claim.complete(new Payload((byte) 2, value, size, false, true), timing(), CODE));
    }
    long writing = allocated() - before;
    before = allocated();
    StoredCell cell = b.read(key(1));
    long reading = allocated() - before;
    assertEquals(size, cell.payload().length());
    assertArrayEquals(java.util.Arrays.copyOf(value, size), java.util.Arrays.copyOf(cell.payload().bytes(), size));
    assertTrue(cell.payload().shareable());
    assertTrue(writing < 3L * Payloads.CHUNK, "storing allocated " + writing + " bytes: the value was copied");
    // Reading allocates the value's array and, one at a time (fetch size 1), each chunk as the driver
    // receives it, dropped once copied: under 2x the value. A second whole copy (or hex text) would pass 3x.
    assertTrue(reading < 2L * size + 3L * Payloads.CHUNK, "reading allocated " + reading + " bytes for " + size);
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT count(*) FROM memokit.chunks")) {
      r.next();
      assertEquals(6, r.getInt(1));
    }
    damage(b, key(1));
    assertNull(b.read(key(1)), "a damaged chunk is caught by the checksum");
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT count(*) FROM memokit.chunks")) {
      r.next();
      assertEquals(0, r.getInt(1), "the damaged cell's chunks went with it");
    }
    try (Claim claim = b.tryClaim(key(2))) {
      claim.start();
      claim.complete(new Payload((byte) 2, value, size, false, true), timing(), CODE);
    }
    store.removeBlock(fn("big"));
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT count(*) FROM memokit.chunks")) {
      r.next();
      assertEquals(0, r.getInt(1), "a removed block's chunks go with it");
    }
  }

  // ---- schema, locations, management ---------------------------------------------------------

  @Test
  void aSchemaOfANewerVersionIsRefused() throws Exception {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE memokit.schema_version SET version = 99");
    }
    StoreException e = assertThrows(StoreException.class, this::another);
    assertTrue(e.getMessage().contains("version 99") && e.getMessage().contains("newer memokit"), e.getMessage());
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE memokit.schema_version SET version = " + Schema.VERSION);
    }
  }

  @Test
  void aVersionOneSchemaIsUpgradedInPlaceKeepingItsCells() throws Exception {
    // what memokit 0.1 made: no routines
    upgradedInPlace(1, "DROP FUNCTION memokit.claim_cell, memokit.start_cell, memokit.complete_cell, "
        + "memokit.give_back_cell_id");
  }

  @Test
  void aVersionTwoSchemaIsUpgradedInPlaceToGiveNumbersBack() throws Exception {
    String lock = "PERFORM pg_advisory_xact_lock_shared(" + Schema.LOCK_CLASS + ", " + Schema.LOCK_CELL_IDS + ");";
    String startCell = Schema.routines().stream().filter(r -> r.contains("memokit.start_cell(")).findFirst()
        .orElseThrow();
    assertTrue(startCell.contains(lock), startCell);
    // what memokit 0.2 made: start_cell drawing numbers without the lock, and nothing giving them back
    upgradedInPlace(2, "DROP FUNCTION memokit.give_back_cell_id; " + startCell.replace(lock, ""));
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT prosrc FROM pg_catalog.pg_proc WHERE proname = 'start_cell'")) {
      assertTrue(r.next());
      assertTrue(r.getString(1).contains(lock), "the upgrade replaced start_cell: " + r.getString(1));
    }
  }

  @Test
  void aVersionThreeSchemaIsUpgradedInPlaceToRecordWhereCellsComeFrom() throws Exception {
    // what memokit 0.3 made: no provenance columns, and complete_cell without their parameters
    String oldCompleteCell = "CREATE FUNCTION " + Schema.COMPLETE_CELL_BEFORE_4 + " RETURNS boolean LANGUAGE sql "
        + "AS 'SELECT false'";
    upgradedInPlace(3, "ALTER TABLE memokit.cells DROP COLUMN written_by, DROP COLUMN written_host, "
        + "DROP COLUMN written_pid, DROP COLUMN written_at, DROP COLUMN written_jdk, DROP COLUMN written_memokit, "
        + "DROP COLUMN written_code; " + oldCompleteCell);
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT count(*) FROM pg_catalog.pg_proc WHERE proname = 'complete_cell'")) {
      assertTrue(r.next());
      assertEquals(1, r.getInt(1), "the former complete_cell went: one routine of that name");
    }
    List<CellStatus> cells = store.block(fn("f")).cells(true);
    assertEquals(Provenance.UNKNOWN, cells.get(0).provenance(), "a cell stored before the upgrade: unknown");
    assertEquals(server.user(), cells.get(1).provenance().user(), "one stored after it names its role");
    assertEquals(CODE, cells.get(1).provenance().code());
  }

  @Test
  void aVersionFourSchemaIsUpgradedInPlaceToStartWithTheClaimAndReleaseWithTheCompletion() throws Exception {
    // what memokit 0.4 made: claim_cell and complete_cell without the start's and the release's parameters
    upgradedInPlace(4, "CREATE FUNCTION " + Schema.CLAIM_CELL_BEFORE_5 + " RETURNS boolean LANGUAGE sql "
        + "AS 'SELECT false'; CREATE FUNCTION " + Schema.COMPLETE_CELL_BEFORE_5 + " RETURNS boolean LANGUAGE sql "
        + "AS 'SELECT false'");
    for (String routine : List.of("claim_cell", "complete_cell")) {
      try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
          "SELECT count(*) FROM pg_catalog.pg_proc WHERE proname = '" + routine + "'")) {
        assertTrue(r.next());
        assertEquals(1, r.getInt(1), "the former " + routine + " went: one routine of that name");
      }
    }
  }

  /**
   * After a miss, the next lookup reads in the claim's call, which takes the claim before it reads:
   * finding the cell stored, it gives the claim back in that call, so another process may claim the
   * key at once.
   */
  @Test
  void aLookupThatFindsItsCellInTheClaimsCallLeavesNoClaimHeld() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("one"));
    BlockBackend.Lookup miss = b.readOrClaimToCompute(key(2));
    assertNull(miss.stored());
    try (Claim claim = miss.claim()) {
      claim.start();
      claim.complete(payload("two"), timing(), CODE);
    }
    BlockBackend.Lookup hit = b.readOrClaimToCompute(key(1));
    assertNull(hit.claim());
    assertEquals("one", text(hit.stored().payload()));
    try (Claim other = another().block(fn("f")).tryClaim(key(1))) {
      assertNotNull(other, "another process claims the key the lookup found stored");
    }
  }

  @Test
  void aVersionFiveSchemaIsUpgradedInPlaceToFindRowsByKey() throws Exception {
    // what memokit 0.5 made: claim_cell testing finished rows as the last-hit indexes do
    String claimCell = Schema.routines().stream().filter(r -> r.contains("memokit.claim_cell(")).findFirst()
        .orElseThrow();
    assertTrue(claimCell.contains(Schema.READ), claimCell);
    upgradedInPlace(5, claimCell.replace(Schema.READ, READ_BEFORE_6));
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT prosrc FROM pg_catalog.pg_proc WHERE proname = 'claim_cell'")) {
      assertTrue(r.next());
      assertTrue(r.getString(1).contains(Schema.READ), "the upgrade replaced claim_cell: " + r.getString(1));
    }
    assertEquals(3, store.block(fn("f")).status().misses(),
        "each computation counted once: one before the upgrade, two after it (one abandoned)");
  }

  @Test
  void aVersionSixSchemaIsUpgradedInPlaceMovingItsComputationsOutOfTheCells() throws Exception {
    // what memokit 0.6 made: computing rows among the cells, each counted (and its miss) by an insertion
    // trigger, and complete_cell returning four columns; here with a computation in progress, its claim held
    String v6 = "DROP TABLE memokit.computing; DROP FUNCTION " + Schema.COMPLETE_CELL_BEFORE_7 + "; "
        + "CREATE FUNCTION " + Schema.COMPLETE_CELL_BEFORE_7.replace(")", ", OUT o_stored boolean, "
        + "OUT o_generation bigint, OUT o_byte_limit bigint, OUT o_bytes bigint)") + " LANGUAGE sql "
        + "AS 'SELECT false, 0::bigint, 0::bigint, 0::bigint'; "
        + "CREATE FUNCTION memokit.cells_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " UPDATE memokit.blocks SET cells = cells + 1, bytes = bytes + CASE WHEN NEW.state > 0 THEN NEW.size ELSE 0"
        + " END, misses = misses + CASE WHEN NEW.state = 0 THEN 1 ELSE 0 END WHERE id = NEW.block_id;"
        + " RETURN NULL; END $$; "
        + "CREATE TRIGGER cells_inserted AFTER INSERT ON memokit.cells FOR EACH ROW "
        + "EXECUTE FUNCTION memokit.cells_inserted(); "
        + "INSERT INTO memokit.cells (block_id, key_hi, key_lo, id, state, token, lock_key, created, last_hit, "
        + "holder_pid) SELECT id, 5, 6, 1000000, 0, nextval('memokit.tokens'), 42, 0, 0, 77 FROM memokit.blocks";
    try (Connection holder = admin(); Statement hold = holder.createStatement()) {
      hold.execute("SELECT pg_advisory_lock(42)"); // the computation's claim, held across the upgrade
      upgradedInPlace(6, v6);
      try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
          "SELECT (SELECT count(*) FROM memokit.cells WHERE state = 0), (SELECT string_agg(id || ' ' || holder_pid, "
              + "',') FROM memokit.computing), (SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgname = "
              + "'cells_inserted'), (SELECT count(*) FROM pg_catalog.pg_proc WHERE proname = 'complete_cell')")) {
        assertTrue(r.next());
        assertEquals(0, r.getInt(1), "no computing row left among the cells");
        assertEquals("1000000 77", r.getString(2), "the computation in progress, moved with its holder");
        assertEquals(0, r.getInt(3), "the insertion's trigger went: the completion counts its cell");
        assertEquals(1, r.getInt(4), "the former complete_cell went: one routine of that name");
      }
      BlockStatus status = store.block(fn("f")).status();
      assertEquals(1, status.computing(), status.toString());
      assertEquals(3, status.size(), "two cells stored and one in progress: " + status);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // the server ends the closed session soon after
    while (store.block(fn("f")).status().computing() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
    assertEquals(0, store.block(fn("f")).status().computing(), "its claim released: the computation is reclaimed");
  }

  /** {@code claim_cell}'s read as version 5 made it. */
  private static final String READ_BEFORE_6 = "SELECT c.block_id, c.id, c.state::integer, c.codec::integer, c.flags, "
      + "c.length, c.crc, c.key, c.payload, c.chunks, c.token, b.generation, c.created, c.cpu_nanos, c.wall_nanos "
      + "FROM memokit.blocks b JOIN memokit.cells c ON c.block_id = b.id WHERE b.name = p_name AND b.version = p_version "
      + "AND b.code = p_code AND b.arity = p_arity AND c.key_hi = p_key_hi AND c.key_lo = p_key_lo AND c.state > 0";

  /**
   * Every statement that finds cells by their key or their number, planned as a session keeps it (a
   * generic plan) on a small store the server has not analysed, where the two last-hit indexes
   * (finished rows only) look cheapest: each finds its rows by a unique index, never by reading one
   * of those whole, nor the table, and a read by key or of a block's rows holds the block's id in
   * its index condition (a condition on the key's hash alone reads every block's rows). Planned as
   * memokit's sessions and routines plan them ({@code enable_seqscan} off).
   */
  @Test
  void cellsAreFoundByTheirKeyOrNumberWhateverStatisticsTheStatementWasPlannedWith() throws Exception {
    BlockBackend b = store.block(fn("f"));
    for (int i = 0; i < 40; i++) put(b, key(i), payload("value " + i));
    long blockId;
    try (Connection c = admin(); Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT id FROM memokit.blocks")) {
      assertTrue(r.next());
      blockId = r.getLong(1);
    }
    CellKey k = key(7);
    String hash = k.hashHi() + ", " + k.hashLo();
    String identity = "'" + b.id().name() + "', '" + b.id().version() + "', '" + b.id().code() + "', " + b.id().arity();
    String routine = Schema.READ.replace("v_block", "$1").replace("p_key_hi", "$2").replace("p_key_lo", "$3");
    Map<String, String> plans = new HashMap<>();
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute(Connections.SESSION);
      plans.put("read by the block's number", plan(st, "bigint, bigint, bigint", CellReads.BY_ID,
          hash + ", " + blockId));
      plans.put("read by the block's identity", plan(st, "bigint, bigint, text, text, text, integer",
          CellReads.BY_IDENTITY, hash + ", " + identity));
      plans.put("hit counts", plan(st, "bigint[], bigint[], bigint[]", Hits.COUNT_ON_CELLS,
          "'{3, 4}', '{1, 1}', '{9, 9}'"));
      plans.put("presence", plan(st, "bigint", Hits.HOLDS_CELL, "3"));
      plans.put("forget", plan(st, "bigint, bigint, bigint", BlockAdmin.removal(BlockAdmin.FORGET),
          blockId + ", " + hash));
      plans.put("remove by number", plan(st, "bigint, bigint[]", BlockAdmin.removal(BlockAdmin.REMOVE_CELLS),
          blockId + ", '{3, 4}'"));
      plans.put("claim_cell's read", plan(st, "bigint, bigint, bigint", routine, blockId + ", " + hash));
      String identities = identity + ", " + identity;
      plans.put("the block's statistics", plan(st, "text, text, text, integer", BlockStatistics.STATUS, identity));
      plans.put("the block's cells", plan(st, "text, text, text, integer, text, text, text, integer",
          BlockStatistics.cellsSql(true), identities));
      String holder = plan(st, "text, text, text, integer, bigint, bigint", Contention.HOLDER, identity + ", " + hash);
      assertTrue(holder.contains("computing_pkey") && keyScansHoldTheBlock(holder), "who computes a key: " + holder);
    }
    plans.forEach((what, plan) -> {
      assertTrue(!plan.contains("lru") && (plan.contains("cells_pkey") || plan.contains("cells_id_key")), what + ": " + plan);
      assertTrue(keyScansHoldTheBlock(plan), what + ", a scan by key without the block's id: " + plan);
    });
  }

  /**
   * Whether every scan of {@code cells_pkey} or {@code computing_pkey} in {@code plan} has the
   * block's id in its index condition: a condition on the key's hash alone reads the whole index
   * (every block's rows).
   */
  private static boolean keyScansHoldTheBlock(String plan) {
    String[] lines = plan.split(" \\| ");
    for (int i = 0; i < lines.length; i++) {
      boolean keyScan = lines[i].contains("Scan") && (lines[i].contains("cells_pkey") || lines[i].contains("computing_pkey"));
      if (!keyScan) continue;
      if (i + 1 >= lines.length || !lines[i + 1].replace("((", "(").startsWith("Index Cond: (block_id = ")) return false;
    }
    return true;
  }

  /** The plan of {@code sql} with its {@code ?} or {@code $n} parameters of {@code types} bound to {@code values}. */
  private static String plan(Statement st, String types, String sql, String values) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      if (ch == '?') numbered.append('$').append(++n);
      else numbered.append(ch);
    }
    st.execute("DEALLOCATE ALL");
    st.execute("PREPARE q (" + types + ") AS " + numbered);
    StringBuilder plan = new StringBuilder();
    try (ResultSet r = st.executeQuery("EXPLAIN EXECUTE q(" + values + ")")) {
      while (r.next()) plan.append(r.getString(1).trim()).append(" | ");
    }
    return plan.toString();
  }

  /** The store's schema made as {@code sql} leaves it, at {@code version}; then opened, upgraded, and used. */
  private void upgradedInPlace(int version, String sql) throws Exception {
    BlockBackend b = store.block(fn("f"));
    long stored = put(b, key(1), payload("stored before the upgrade")).cellId();
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute(sql);
      st.executeUpdate("UPDATE memokit.schema_version SET version = " + version);
    }
    try (PostgresBackend upgraded = another()) {
      BlockBackend again = upgraded.block(fn("f"));
      assertNotNull(again.read(key(1)), "a cell stored before the upgrade is still a hit");
      try (Claim claim = again.tryClaim(key(2))) {
        claim.start();
        claim.abandon();
      }
      assertEquals(stored + 1, put(again, key(2), payload("stored after it")).cellId(),
          "a miss uses the new routines, and an abandoned cell gives its number back");
    }
    try (Connection c = admin(); Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT version, count(*) OVER () FROM memokit.schema_version")) {
      assertTrue(r.next());
      assertEquals(Schema.VERSION, r.getInt(1));
      assertEquals(1, r.getInt(2), "one version row, as check wants it");
    }
    assertTrue(store.check(false).isEmpty(), "check finds nothing wrong after the upgrade");
  }

  @Test
  void passwordsAreNeverShown() {
    assertFalse(store.location().contains(server.password()), store.location());
    assertTrue(store.location().contains("password=***"), store.location());
    String wrong = server.url("no_such_database");
    StoreException e = assertThrows(StoreException.class, () -> opened(wrong));
    assertFalse(e.getMessage().contains(server.password()), e.getMessage());
    assertTrue(e.getMessage().contains("no_such_database"), e.getMessage());
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> Backends.open("jdbc:mysql://db.example/x?user=u&password=secret", StoreSettings.defaults()));
    assertTrue(other.getMessage().contains("jdbc:mysql:") && !other.getMessage().contains("secret"), other.getMessage());
    assertEquals("jdbc:postgresql://u:***@h/db", PostgresBackend.redact("jdbc:postgresql://u:secret@h/db"));
  }

  @Test
  void theComputingProcessIsNamedAcrossTheStore() throws Exception {
    BlockBackend b = store.block(fn("f"));
    try (Claim claim = b.tryClaim(key(1))) {
      Claim.Started started = claim.start();
      var ref = new WaitBoard.CellRef(fn("f").storedName(), key(1).hashHi(), key(1).hashLo(), 0);
      var holder = another().holderOf(ref);
      assertNotNull(holder);
      assertTrue(holder.isThisProcess());
      assertEquals(started.cellId(), holder.cellId());
      assertNull(store.holderOf(new WaitBoard.CellRef(fn("g").storedName(), 1, 2, 0)));
      claim.abandon();
    }
  }

  @Test
  void theWaitBoardKeepsTheEntriesOfLiveProcesses() throws Exception {
    WaitBoard board = store.waitBoard();
    var ref = new WaitBoard.CellRef(fn("f").storedName(), 1, 2, 3);
    WaitBoard.Entry e = WaitBoard.Entry.ofThisThread(now.get(), ref, List.of(ref));
    board.publish(e);
    board.publish(e); // rewritten, not doubled
    assertEquals(List.of(e), another().waitBoard().entries());
    board.withdraw(e);
    assertEquals(List.of(), board.entries());
  }

  @Test
  void checkFindsAndFixesWhatWentWrongBehindItsBack() throws Exception {
    BlockBackend b = store.block(fn("f"));
    put(b, key(1), payload("one"));
    put(b, key(2), payload("two"));
    damage(b, key(1));
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE memokit.blocks SET cells = 7");
      st.executeUpdate("INSERT INTO memokit.computing (block_id, key_hi, key_lo, id, token, lock_key, created) "
          + "SELECT id, 5, 6, nextval('memokit.cell_ids'), nextval('memokit.tokens'), 42, 0 FROM memokit.blocks");
      st.executeUpdate("INSERT INTO memokit.chunks (token, seq, data) VALUES (-1, 0, '\\x00')");
      st.execute("DROP FUNCTION memokit.give_back_cell_id");
    }
    List<String> problems = store.check(false);
    assertEquals(5, problems.size(), problems.toString());
    assertTrue(String.join("\n", problems).contains("damaged"), problems.toString());
    assertTrue(problems.contains("routines missing from schema memokit: give_back_cell_id"), problems.toString());
    assertEquals(problems.size(), store.check(true).size());
    assertEquals(List.of(), store.check(false), "fixed");
    assertEquals(1, b.status().size());
    assertEquals("two", text(b.read(key(2)).payload()));
  }

  @Test
  void aBlockIsFoundByItsIdentityAfterAnotherProcessRecreatedIt() throws Exception {
    BlockBackend b = store.block(fn("f"));
    Presence p = put(b, key(1), payload("a"));
    PostgresBackend other = another();
    other.removeBlock(fn("f"));
    put(other.block(fn("f")), key(2), payload("b"));
    untilGone(p, System.nanoTime());
    assertNull(b.read(key(1)));
    assertEquals("b", text(b.read(key(2)).payload()), "the same block, by identity, though its row is new");
    assertEquals(List.of(fn("f")), store.blockIds());
    assertEquals(new FunctionId("f", "1", 1), store.blockIds().get(0));
  }
}
