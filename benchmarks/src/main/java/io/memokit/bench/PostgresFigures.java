package io.memokit.bench;

import io.memokit.storage.StoreSettings;
import io.memokit.storage.postgres.PostgresBackend;
import io.memokit.storage.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL store's figures, each against a floor measured in the same run on the same server
 * ({@link PostgresChild} runs both sides in fresh JVMs): a first hit in a new process against a plain
 * JDBC {@code SELECT} of the same bytes by primary key, a miss against a plain {@code INSERT} of
 * them, and calls per second of 1, 2 and 4 processes on 2,000 keys. The server is the one the tests
 * start ({@link PostgresServer}: Debian's binaries, which {@code bin/bench} installs with
 * {@code bin/install-postgres}; {@code initdb} and {@code pg_ctl} in a temporary directory, on
 * 127.0.0.1, fsync off), started here and stopped when the suite's JVM ends; each figure takes a
 * fresh database.
 */
final class PostgresFigures {

  /** Value sizes: in the cell's row up to 1 MiB, in 1 MiB chunks above. */
  static final int[] SIZES = {64, 65536, 4 << 20};

  private final Suite suite;
  private final PostgresServer server;

  PostgresFigures(Suite suite) {
    this.suite = suite;
    this.server = PostgresServer.get(); // fails saying what to install if the server's binaries are missing
  }

  void run() throws Exception {
    firstHits();
    misses();
    contention();
  }

  /**
   * A fresh database's URL (with the server's password) holding an empty store (its schema made
   * here, so that processes started on it do not spend their warm-up making it); dropped by {@link #drop}.
   */
  private String database() throws Exception {
    String url = server.url(server.createDatabase());
    PostgresBackend.connect(url, StoreSettings.defaults()).close();
    return url;
  }

  private void drop(String url) throws Exception {
    server.dropDatabase(url.substring(url.lastIndexOf('/') + 1, url.indexOf('?')));
  }

  private void firstHits() throws Exception {
    int[][] plans = {{64, 600, 200}, {65536, 600, 200}, {4 << 20, 60, 20}}; // size, cells, first hits per JVM
    for (int[] plan : plans) {
      int size = plan[0];
      if (suite.quick && size > 65536) continue;
      int cells = suite.quick ? 40 : plan[1];
      int perJvm = suite.quick ? 20 : plan[2];
      String url = database();
      suite.child(PostgresChild.class, "fill", url, Integer.toString(size), Integer.toString(cells));
      Map<String, List<Double>> runs = new LinkedHashMap<>();
      for (int from = 0; from + perJvm <= cells; from += perJvm) {
        Map<String, Double> r = suite.child(PostgresChild.class, "firsthit", url, Integer.toString(size),
            Integer.toString(from), Integer.toString(perJvm));
        for (String k : List.of("firsthit.median", "select.median", "ratio.median")) {
          runs.computeIfAbsent(k, x -> new ArrayList<>()).add(r.get(k));
        }
        if (suite.quick) break;
      }
      suite.figures.put("pg.firsthit." + size, Suite.median(runs.get("firsthit.median")));
      suite.figures.put("pg.firsthit.select." + size, Suite.median(runs.get("select.median")));
      suite.figures.put("pg.firsthit.ratio." + size, Suite.median(runs.get("ratio.median")));
      drop(url);
    }
  }

  private void misses() throws Exception {
    int[][] plans = {{64, 2000}, {65536, 1000}, {4 << 20, 40}}; // size, misses
    for (int[] plan : plans) {
      int size = plan[0];
      if (suite.quick && size > 65536) continue;
      String url = database();
      Map<String, Double> m = suite.child(PostgresChild.class, "miss", url, Integer.toString(size),
          Integer.toString(suite.quick ? 100 : plan[1]));
      suite.figures.put("pg.miss." + size, m.get("miss.median"));
      suite.figures.put("pg.miss.insert." + size, m.get("floor.median"));
      suite.figures.put("pg.miss.ratio." + size, m.get("ratio.median"));
      drop(url);
    }
  }

  /** 1, 2 and 4 processes x 1 thread, as the directory store's contention; rounds interleaved, medians. */
  private void contention() throws Exception {
    Map<Integer, List<Double>> rounds = new LinkedHashMap<>();
    for (int round = 0; round < (suite.quick ? 1 : 3); round++) {
      for (int procs : new int[] {1, 2, 4}) {
        String url = database();
        Path side = suite.work.resolve("pg-contend-" + procs + "-" + round + ".side");
        double[] r = suite.contend(url, side, procs, 1, "memokit");
        rounds.computeIfAbsent(procs, p -> new ArrayList<>()).add(r[0]);
        suite.figures.merge("pg.contention.exactly-once." + procs, r[1], Math::min);
        drop(url);
      }
    }
    rounds.forEach((procs, calls) -> suite.figures.put("pg.contention." + procs, Suite.median(calls)));
  }
}
