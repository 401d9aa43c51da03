package io.memokit.bench;

import java.nio.file.Path;
import java.util.Arrays;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.ehcache.core.statistics.TierStatistics;

/**
 * Ehcache 3, the Java peer for values kept on disk across restarts, in fresh JVMs as {@link Child} runs
 * memokit: a cache manager with a persistent disk tier ({@code CacheManagerBuilder.persistence(dir)},
 * each cache {@code heap(100 entries).disk(64 MB, persistent)}, configured in code), {@code Integer}
 * keys, {@code byte[]} values. Prints {@code RESULT name value} lines (nanoseconds). Modes:
 * <pre>
 *   fill DIR SIZE COUNT            COUNT values {@code Fixture.bytes(SIZE, k)} (as {@link Child#sized}) in cache
 *                                  "first" and 10,000 of 64 B in "warm", then close: the disk tier persists them
 *   firsthit DIR SIZE FROM COUNT   a restart: open the cache manager on DIR and get key FROM-1 (cold, the very
 *                                  first call of this JVM), then 10,000 first gets of "warm" (the warm-up memokit's
 *                                  first hits get), then COUNT first gets of FROM..FROM+COUNT-1, each timed; fails
 *                                  unless every get of "first" was a hit of the disk tier and none of the heap tier
 *   miss DIR SIZE COUNT            as {@link Child#misses}: alternately a miss (get, null, then put of the prepared
 *                                  SIZE bytes) and a write-and-rename of the same bytes beside DIR (the floor)
 * </pre>
 * The heap tier is not persistent: in a fresh JVM it is empty, so a first get reads the disk tier's file
 * (page-cached, as memokit's first hits read theirs). A put returns once the disk tier holds the value:
 * Ehcache's storage engine queues the file write for its own writer thread, and nothing is forced to disk.
 */
public final class EhcacheChild {

  private EhcacheChild() {}

  static final int HEAP_ENTRIES = 100;
  static final int DISK_MB = 64;
  static final int WARM = 10_000;

  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "fill" -> fill(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      case "firsthit" -> firstHit(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
      case "miss" -> miss(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  /** The cache manager on {@code dir} with the named caches, each heap + persistent disk. */
  static PersistentCacheManager open(Path dir, DefaultStatisticsService stats, String... caches) {
    CacheManagerBuilder<PersistentCacheManager> b = CacheManagerBuilder.newCacheManagerBuilder()
        .with(CacheManagerBuilder.persistence(dir.toFile()));
    if (stats != null) b = b.using(stats);
    for (String name : caches) {
      b = b.withCache(name, CacheConfigurationBuilder.newCacheConfigurationBuilder(Integer.class, byte[].class,
          ResourcePoolsBuilder.heap(HEAP_ENTRIES).disk(DISK_MB, MemoryUnit.MB, true)));
    }
    return b.build(true);
  }

  static Cache<Integer, byte[]> cache(PersistentCacheManager m, String name) {
    return m.getCache(name, Integer.class, byte[].class);
  }

  static void fill(Path dir, int size, int count) {
    try (PersistentCacheManager m = open(dir, null, "first", "warm")) {
      Cache<Integer, byte[]> first = cache(m, "first");
      Cache<Integer, byte[]> warm = cache(m, "warm");
      for (int k = 0; k < count; k++) first.put(k, Fixture.bytes(size, k));
      for (int k = 0; k < WARM; k++) warm.put(k, Fixture.bytes(64, k));
    }
    Child.result("filled", count);
  }

  static void firstHit(Path dir, int size, int from, int count) {
    DefaultStatisticsService stats = new DefaultStatisticsService();
    long c0 = System.nanoTime();
    PersistentCacheManager m = open(dir, stats, "first", "warm");
    Cache<Integer, byte[]> first = cache(m, "first");
    byte[] cold = first.get(from - 1);
    long c1 = System.nanoTime();
    Child.result("cold.firsthit", c1 - c0);
    long sink = cold.length;
    Cache<Integer, byte[]> warm = cache(m, "warm");
    for (int k = 0; k < WARM; k++) sink += warm.get(k).length;
    long[] hits = new long[count];
    byte[][] got = new byte[count][];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      got[i] = first.get(from + i);
      hits[i] = System.nanoTime() - t0;
    }
    Child.result("firsthit.median", Child.median(hits));
    for (int i = 0; i < count; i++) {
      if (!Arrays.equals(got[i], Fixture.bytes(size, from + i))) throw new IllegalStateException("wrong value for " + (from + i));
      sink += got[i].length;
    }
    TierStatistics heap = stats.getCacheStatistics("first").getTierStatistics().get("OnHeap");
    TierStatistics disk = stats.getCacheStatistics("first").getTierStatistics().get("Disk");
    if (heap.getHits() != 0 || disk.getHits() != count + 1) {
      throw new IllegalStateException("not every first get came from the disk tier: heap hits " + heap.getHits()
          + ", disk hits " + disk.getHits() + " of " + (count + 1));
    }
    Child.result("disk.hits", disk.getHits());
    Child.result("sink", sink % 2);
    m.close();
  }

  static void miss(Path dir, int size, int count) throws Exception {
    byte[] value = Fixture.bytes(size, 3);
    try (PersistentCacheManager m = open(dir, null, "miss", "missw")) {
      Cache<Integer, byte[]> f = cache(m, "miss");
      Cache<Integer, byte[]> warm = cache(m, "missw");
      Child.misses(new Child.Misses(i -> {
        if (warm.get(i) == null) warm.put(i, new byte[64]);
      }, i -> {
        if (f.get(i) == null) f.put(i, value);
      }, f::clear), size, count, Child.renameFloor(dir));
      if (f.get(count - 1) == null) throw new IllegalStateException("the misses stored nothing");
    }
  }
}
