package io.memokit.cell;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hands the hits each block's {@link CellMemory} counted to the store every 100 ms, from one
 * daemon thread per process started at the first hit and stopped when the last open block's store
 * is closed, and once more when the JVM exits normally.
 */
public final class HitPublisher {

  private static final long PERIOD_MILLIS = 100;

  private final Set<CellMemory> memories = ConcurrentHashMap.newKeySet();
  private volatile ScheduledExecutorService rounds;

  /** A publisher whose rounds start at the first hit; it publishes what is left when the JVM exits normally. */
  public HitPublisher() {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> memories.forEach(CellMemory::publishHits),
        "memokit-publish-hits"));
  }

  void add(CellMemory memory) {
    memories.add(memory);
  }

  /** Publishes what {@code memory} holds, and stops visiting it (its store is closed); the last one stops the rounds. */
  void remove(CellMemory memory) {
    if (memories.remove(memory)) memory.publishHits();
    synchronized (this) {
      if (memories.isEmpty() && rounds != null) {
        rounds.shutdown();
        rounds = null;
      }
    }
  }

  /** Starts the periodic rounds, if they have not started. */
  void start() {
    if (rounds != null) return;
    synchronized (this) {
      if (rounds != null || memories.isEmpty()) return;
      ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memokit-hit-publisher");
        t.setDaemon(true);
        return t;
      });
      s.scheduleWithFixedDelay(() -> memories.forEach(CellMemory::publishIfPending), PERIOD_MILLIS, PERIOD_MILLIS,
          TimeUnit.MILLISECONDS);
      rounds = s;
    }
  }
}
