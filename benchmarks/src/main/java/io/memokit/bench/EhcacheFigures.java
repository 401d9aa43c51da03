package io.memokit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ehcache 3 with a persistent disk tier, the Java peer of memokit's values kept on disk across restarts
 * ({@link EhcacheChild} runs it in fresh JVMs), on memokit's 64 B plans of the same run
 * ({@link Suite#FIRST_HIT_PLANS}, {@link Suite#MISS_PLANS}): {@code ehcache.firsthit.64}, the first get of a
 * key after a restart (median per JVM after the same warm-up, median over as many JVMs as memokit's),
 * {@code ehcache.cold.firsthit.64}, opening the persisted cache manager and its first get in a fresh JVM,
 * and {@code ehcache.miss.64}, a get that finds nothing and the put of the value, with its write-and-rename
 * floor ({@code ehcache.miss.floor.64}) and the median of their ratios ({@code ehcache.miss.ratio.64}).
 */
final class EhcacheFigures {

  /** The value size of memokit's figures these mirror. */
  static final int SIZE = 64;

  private final Suite suite;

  EhcacheFigures(Suite suite) {
    this.suite = suite;
  }

  void run() throws Exception {
    firstHits();
    misses();
  }

  /** The plan for {@link #SIZE} among the suite's plans (value size first). */
  private static int[] plan(int[][] plans) {
    for (int[] p : plans) if (p[0] == SIZE) return p;
    throw new IllegalStateException("no " + SIZE + " B plan");
  }

  private void firstHits() throws Exception {
    int[] plan = plan(Suite.FIRST_HIT_PLANS);
    int cells = plan[1];
    int perJvm = plan[2];
    Path dir = suite.work.resolve("ehcache-first-" + SIZE);
    suite.child(EhcacheChild.class, "fill", dir.toString(), Integer.toString(SIZE), Integer.toString(cells));
    List<Double> hits = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    for (int from = 10; from + perJvm <= cells - 10; from += perJvm) { // the cells memokit's JVMs read
      Map<String, Double> r = suite.child(EhcacheChild.class, "firsthit", dir.toString(), Integer.toString(SIZE),
          Integer.toString(from), Integer.toString(perJvm));
      hits.add(r.get("firsthit.median"));
      cold.add(r.get("cold.firsthit"));
      if (suite.quick) break;
    }
    suite.figures.put("ehcache.firsthit." + SIZE, Suite.median(hits));
    suite.figures.put("ehcache.cold.firsthit." + SIZE, Suite.median(cold));
    Fixture.delete(dir);
  }

  private void misses() throws Exception {
    int count = plan(Suite.MISS_PLANS)[1];
    Path dir = suite.work.resolve("ehcache-miss-" + SIZE);
    Map<String, Double> m = suite.child(EhcacheChild.class, "miss", dir.toString(), Integer.toString(SIZE),
        Integer.toString(suite.quick ? Math.min(count, 300) : count));
    suite.figures.put("ehcache.miss." + SIZE, m.get("miss.median"));
    suite.figures.put("ehcache.miss.floor." + SIZE, m.get("floor.median"));
    suite.figures.put("ehcache.miss.ratio." + SIZE, m.get("ratio.median"));
  }
}
