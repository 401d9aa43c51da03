package io.memokit.bench;

import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn1;
import io.memokit.MemoStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * What the harness runs in fresh JVMs against a PostgreSQL store, each memokit operation next to its
 * floor, plain JDBC on the same server, on a connection opened and a statement prepared beforehand.
 * Prints {@code RESULT name value} lines (nanoseconds). Modes:
 * <pre>
 *   fill URL SIZE COUNT              COUNT cells of SIZE-byte values in block pg.first, 10,000 of 64 B in pg.warm,
 *                                    and the same bytes in a new table bench_floor (id primary key, data bytea)
 *   firsthit URL SIZE FROM COUNT     first hits of cells FROM..FROM+COUNT-1 in this process, each next to a
 *                                    SELECT data FROM bench_floor WHERE id = ? of the same bytes
 *   miss URL SIZE COUNT              alternately a miss (trivial function, SIZE-byte value) and an INSERT of
 *                                    the same bytes into a new table bench_miss (the floor)
 * </pre>
 * Warm-ups: both paths run first on other rows and cells, so both are compiled. The floor rows of
 * {@code bench_floor} are keyed {@code -1 - k} for the warm-up and {@code k} for the measured ones.
 */
public final class PostgresChild {

  private PostgresChild() {}

  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "fill" -> fill(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      case "firsthit" -> firstHit(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
      case "miss" -> miss(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  /** First hits (and plain SELECTs) before the timed ones: as many as the directory store's first-hit figure warms up on. */
  static final int WARM = 10_000;

  static Connection plain(String url) throws SQLException {
    Connection c = new org.postgresql.Driver().connect(url, new Properties());
    if (c == null) throw new SQLException("not a PostgreSQL URL");
    return c;
  }

  static void fill(String url, int size, int count) throws SQLException {
    MemoStore s = store(url);
    MemoFn1<Integer, byte[]> f = Child.sized(s, "pg.first", size);
    MemoFn1<Integer, byte[]> warm = Child.sized(s, "pg.warm", 64);
    f.resize(Math.max(1024, count * 2));
    warm.resize(WARM * 2);
    for (int k = 0; k < count; k++) f.apply(k);
    for (int k = 0; k < WARM; k++) warm.apply(k);
    try (Connection c = plain(url); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE bench_floor (id bigint PRIMARY KEY, data bytea NOT NULL)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO bench_floor (id, data) VALUES (?, ?)")) {
        for (int k = 0; k < count; k++) insert(p, k, Fixture.bytes(size, k));
        for (int k = 0; k < WARM; k++) insert(p, -1 - k, Fixture.bytes(64, k));
      }
      st.execute("VACUUM ANALYZE bench_floor");
      st.execute("VACUUM ANALYZE memokit.cells, memokit.blocks"); // the same state for both: as autovacuum keeps a store's tables
    }
    Child.result("filled", count);
  }

  private static void insert(PreparedStatement p, long id, byte[] data) throws SQLException {
    p.setLong(1, id);
    p.setBytes(2, data);
    p.executeUpdate();
  }

  private static int select(PreparedStatement p, long id) throws SQLException {
    p.setLong(1, id);
    try (ResultSet r = p.executeQuery()) {
      if (!r.next()) throw new SQLException("no row " + id + " in bench_floor");
      return r.getBytes(1).length;
    }
  }

  /**
   * First hits in this fresh process of cells stored by another (memokit: key, SELECT of the cell's
   * row, CRC32C, decode, the hit counted with an UPDATE), each next to a plain SELECT of the same
   * bytes by primary key.
   */
  static void firstHit(String url, int size, int from, int count) throws SQLException {
    MemoStore s = store(url);
    MemoFn1<Integer, byte[]> f = Child.sized(s, "pg.first", size);
    MemoFn1<Integer, byte[]> warm = Child.sized(s, "pg.warm", 64);
    long missesBefore = f.info().misses();
    long sink = 0;
    long[] hits = new long[count];
    long[] selects = new long[count];
    try (Connection c = plain(url); PreparedStatement p = c.prepareStatement("SELECT data FROM bench_floor WHERE id = ?")) {
      for (int k = 0; k < WARM; k++) {
        sink += warm.apply(k).length;
        sink += select(p, -1 - k);
      }
      for (int i = 0; i < count; i++) {
        long t0 = System.nanoTime();
        sink += f.apply(from + i).length;
        long t1 = System.nanoTime();
        sink += select(p, from + i); // the same bytes, in a plain table
        long t2 = System.nanoTime();
        hits[i] = t1 - t0;
        selects[i] = t2 - t1;
      }
    }
    if (f.info().misses() != missesBefore) throw new IllegalStateException("a first hit computed: " + f.info());
    Child.result("firsthit.median", Child.median(hits));
    Child.result("select.median", Child.median(selects));
    Child.result("ratio.median", Child.medianRatio(hits, selects));
    Child.result("sink", sink % 2);
  }

  /**
   * Misses of a trivial function returning a prepared SIZE-byte array (memokit: read, claim, start,
   * encode, store, release), each next to a plain INSERT of the same bytes, autocommitted
   * ({@link Child#misses}).
   */
  static void miss(String url, int size, int count) throws Exception {
    try (Connection c = plain(url); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE bench_miss (id bigint PRIMARY KEY, data bytea NOT NULL)");
      PreparedStatement p = c.prepareStatement("INSERT INTO bench_miss (id, data) VALUES (?, ?)"); // closed with c
      Child.misses(store(url), "pg.", size, count, new Child.MissFloor() {
        @Override
        public void write(long id, byte[] bytes) throws SQLException {
          insert(p, id, bytes);
        }

        @Override
        public void reset() throws SQLException {
          st.execute("TRUNCATE bench_miss");
        }
      });
    }
  }
}
