package io.memokit.storage.postgres;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What lets a process answer hits from memory: the generation of each block whose cells it
 * remembers, as last read from the server. A block's generation grows in the transaction that
 * removes any of its finished cells (a trigger), so while it is unchanged every cell the process
 * validated at it is still stored; a hit from memory reads two volatile fields.
 *
 * <p><b>Bound.</b> A daemon thread reads the generations of the blocks asked about since its last
 * round, every {@value #POLL_MILLIS} ms (one query for all of them), and records when each read
 * began. A hit never trusts a read that began more than {@value #TRUST_MILLIS} ms before it: if the
 * poller fell behind (or stopped, the process being idle), the hit reads the generation itself. So
 * a clear or eviction committed on any host at time T stops every hit from memory that starts after
 * T + {@value #TRUST_MILLIS} ms, and usually after T + {@value #POLL_MILLIS} ms. A process that answers no hit
 * from memory sends no query.
 */
final class Watches implements AutoCloseable {

  static final long POLL_MILLIS = 100;
  static final long TRUST_MILLIS = 200;
  private static final long TRUST_NANOS = TimeUnit.MILLISECONDS.toNanos(TRUST_MILLIS);
  /** The generation of a block that no longer exists (removed): none of its cells is stored. */
  static final long GONE = Long.MIN_VALUE;
  private static final System.Logger LOG = System.getLogger("io.memokit");

  /** The generation of one block as this process last read it, and when that read began. */
  static final class Watch {
    final long blockId;
    volatile long generation;
    volatile long readAt;
    /** Whether a hit asked since the poller's last round (so the poller keeps reading it). */
    volatile boolean asked = true;

    Watch(long blockId, long generation, long readAt) {
      this.blockId = blockId;
      this.generation = generation;
      this.readAt = readAt;
    }
  }

  private final Connections connections;
  private final String location;
  private final java.util.function.LongSupplier ticker;
  private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
  private final Object polling = new Object();
  private volatile ScheduledExecutorService poller;
  private volatile boolean closed;

  Watches(Connections connections, String location, java.util.function.LongSupplier ticker) {
    this.ticker = ticker;
    this.connections = connections;
    this.location = location;
  }

  /**
   * The watch of block {@code blockId}, which had {@code generation} in a snapshot taken at or after
   * {@code readAt} (the store's ticker): a new watch starts from it.
   */
  Watch watch(long blockId, long generation, long readAt) {
    Watch w = watches.computeIfAbsent(blockId, id -> new Watch(id, generation, readAt));
    startPoller();
    return w;
  }

  /**
   * Whether {@code w}'s generation may be trusted now: read within {@value #TRUST_MILLIS} ms, or read
   * again here; {@code false} if the server cannot be asked (nothing can be vouched for).
   */
  boolean current(Watch w) {
    if (!w.asked) w.asked = true;
    if (ticker.getAsLong() - w.readAt <= TRUST_NANOS) return true;
    synchronized (polling) {
      if (ticker.getAsLong() - w.readAt <= TRUST_NANOS) return true;
      return poll(List.of(w));
    }
  }

  /**
   * Reads block {@code blockId}'s generation now, if this process remembers cells of it: called
   * after this process removed cells of the block, so that its own removals are seen at once.
   */
  void refresh(long blockId) {
    Watch w = watches.get(blockId);
    if (w == null) return;
    synchronized (polling) {
      if (!poll(List.of(w))) w.readAt = ticker.getAsLong() - 2 * TRUST_NANOS; // the next hit asks again
    }
  }

  private void startPoller() {
    if (poller != null || closed) return;
    synchronized (this) {
      if (poller != null || closed) return;
      ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memokit-postgres-generations");
        t.setDaemon(true);
        return t;
      });
      s.scheduleWithFixedDelay(this::round, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
      poller = s;
    }
  }

  /** One round of the poller: reads the blocks asked about since the last round. */
  private void round() {
    try {
      List<Watch> asked = new ArrayList<>();
      for (Watch w : watches.values()) {
        if (w.asked && w.generation != GONE) {
          w.asked = false;
          asked.add(w);
        }
      }
      if (asked.isEmpty()) return;
      synchronized (polling) {
        poll(asked);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read the generations of store " + location + ": " + e);
    }
  }

  /** Reads the generations of {@code ws} in one query; {@code false} if the server could not be asked. */
  private boolean poll(List<Watch> ws) {
    long began = ticker.getAsLong();
    try {
      Map<Long, Long> found = connections.call(c -> {
        Long[] ids = new Long[ws.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = ws.get(i).blockId;
        Map<Long, Long> m = new HashMap<>();
        Array array = c.createArrayOf("bigint", ids);
        try (PreparedStatement q = c.prepareStatement("SELECT id, generation FROM memokit.blocks WHERE id = ANY(?)")) {
          q.setArray(1, array);
          try (ResultSet r = q.executeQuery()) {
            while (r.next()) m.put(r.getLong(1), r.getLong(2));
          }
        } finally {
          array.free();
        }
        return m;
      });
      for (Watch w : ws) {
        Long g = found.get(w.blockId);
        w.generation = g == null ? GONE : g; // before readAt: who sees the new time sees the new generation
        w.readAt = began;
      }
      return true;
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cannot read the generations of store " + location + ": " + e);
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (poller != null) poller.shutdownNow();
    }
  }
}
