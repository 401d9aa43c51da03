package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo;
import io.memokit.it.workers.CutWorker;
import io.memokit.storage.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fencing on a PostgreSQL store across a real network cut. Process A runs in a network namespace of
 * the test's own ({@link NetworkNamespace}) and reaches the test's own server only through a veth
 * pair; it starts computing a cell while process B, on the host, waits for it; the test takes the
 * pair down. The server notices about 10 s later (the TCP keepalives memokit's lock session asks
 * for: probes after 5 s of silence, the session ended after 10 s without an answer; the server's
 * own settings are PostgreSQL's defaults) and ends A's lock session, which releases A's claim: B
 * takes the cell over and stores its value. Then the pair comes back up and A's computation ends: A's
 * result must be refused (LOST), with nothing of B's overwritten or duplicated, and A's call still
 * returns A's computed value (a LOST result is returned, not stored); A's next call hits B's value.
 *
 * <p>Needs root and iproute2 (as CI has): without them the test fails, saying which is missing.
 */
class NetworkCutTest {

  @TempDir
  Path tmp;

  private NetworkNamespace net;
  private PostgresServer server;
  private String database;

  @AfterEach
  void removeTheNetworkAndTheServer() {
    if (server != null) server.close();
    if (net != null) net.close();
  }

  @Test
  void aProcessWhoseSessionEndedInACutStoresNothingOverTheProcessThatTookItsCellOver() throws Exception {
    long began = System.nanoTime();
    net = NetworkNamespace.create();
    server = PostgresServer.startOwn(net.hostAddress(), net.subnet());
    database = server.createDatabase();
    String throughTheCut = server.urlAt(net.hostAddress(), database);
    String local = server.url(database);
    Path side = Files.createFile(tmp.resolve("side"));
    Path go = tmp.resolve("go");
    List<String> stored;
    try (Jvm a = Jvm.start(net.prefix(), List.of(), System.getProperty("java.class.path"), CutWorker.class,
        throughTheCut, 7, "A", side, go)) {
      String miss = a.await(l -> l.contains("> MISS("), Duration.ofSeconds(30), "MISS").text();
      long cell = Long.parseLong(miss.substring(miss.lastIndexOf('(') + 1, miss.lastIndexOf(')')));
      int backendOfA = (int) number("SELECT holder_backend FROM memokit.computing WHERE id = " + cell);
      assertTrue(sessionAlive(backendOfA), "A's claim is held by a live session of the server");
      try (Jvm b = Jvm.start(CutWorker.class, local, 7, "B", side, "-")) {
        b.await(l -> l.contains("> WAIT("), Duration.ofSeconds(30), "WAIT");

        long cutAt = System.nanoTime();
        net.cut();
        double noticed = awaitSessionGone(backendOfA, cutAt);
        Jvm.Line takeover = b.await(l -> l.contains("> TAKEOVER("), Duration.ofSeconds(10), "TAKEOVER");
        assertEquals(0, b.exit(Duration.ofSeconds(60)), b.describe());
        assertEquals(List.of("WAIT(" + cell + ")", "TAKEOVER(" + cell + ")", "HIT(" + cell + ")"),
            SharedCellTest.events(b), b.describe());
        assertTrue(b.lines().contains("RESULT value of 7 from B"), b.describe());
        System.out.printf("NetworkCutTest: the server ended A's session %.1f s after the cut; B took the cell over "
            + "%.1f s after the cut%n", noticed, (takeover.nanos() - cutAt) / 1e9);
      }
      stored = cellRows();
      assertEquals(1, stored.size(), "one cell: " + stored);
      assertTrue(stored.get(0).startsWith(cell + " VALUE "), "B's value is stored as cell " + cell + ": " + stored);

      net.restore();
      Files.createFile(go); // A's computation ends now, with the link back
      assertEquals(0, a.exit(Duration.ofSeconds(60)), a.describe());
      assertEquals(List.of("MISS(" + cell + ")", "LOST(" + cell + ")", "HIT(" + cell + ")"), SharedCellTest.events(a),
          a.describe());
      assertTrue(a.lines().contains("RESULT value of 7 from A"), "A's call returns the value it computed\n" + a.describe());
      assertTrue(a.lines().contains("AGAIN value of 7 from B"), "A's next call hits B's value\n" + a.describe());
      assertTrue(a.lines().contains("PENDING 0"), a.describe());
    }
    assertEquals(stored, cellRows(), "A's completion changed nothing of B's row (id, token, checksum, length, created)");
    assertEquals(0, number("SELECT count(*) FROM memokit.chunks"), "no chunk left");
    assertEquals("value of 7 from B", CutWorker.define(local, side.toString()).cacheOnly().apply(7));
    assertEquals(2, Files.readAllLines(side).size(), "A and B each ran the body once: " + Files.readAllLines(side));
    assertEquals(List.of(), Memo.store(local).check(false), "the store checks clean");
    System.out.printf("NetworkCutTest: %.1f s in all%n", (System.nanoTime() - began) / 1e9);
  }

  private boolean sessionAlive(int backend) throws SQLException {
    return number("SELECT count(*) FROM pg_stat_activity WHERE pid = " + backend) == 1;
  }

  /** Waits until the server ended session {@code backend}; returns the seconds since {@code cutAt}. */
  private double awaitSessionGone(int backend, long cutAt) throws Exception {
    long deadline = cutAt + Duration.ofSeconds(30).toNanos();
    while (sessionAlive(backend)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not end the session of the process cut off within 30 s: the TCP "
            + "keepalives of memokit's lock session did not take effect");
      }
      Thread.sleep(50);
    }
    return (System.nanoTime() - cutAt) / 1e9;
  }

  /** The store's cell rows, each as its id, state, token, checksum, length, creation time and computing session. */
  private List<String> cellRows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = server.admin(database); Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT id, state, token, crc, length, created, holder_backend FROM memokit.cells "
             + "ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getLong(1) + " " + (r.getInt(2) == 1 ? "VALUE" : "state " + r.getInt(2)) + " token " + r.getLong(3)
            + " crc " + r.getInt(4) + " length " + r.getLong(5) + " created " + r.getLong(6) + " holder "
            + r.getObject(7));
      }
    }
    return rows;
  }

  /** The one number {@code sql} selects, on the test's database. */
  private long number(String sql) throws SQLException {
    try (Connection c = server.admin(database); Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
      if (!r.next()) throw new AssertionError("no row for " + sql);
      return r.getLong(1);
    }
  }
}
