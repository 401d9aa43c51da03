package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.KeyWriter;
import io.memokit.function.NamedFunction;
import io.memokit.codec.ClassAllowList;
import io.memokit.codec.Codec;
import io.memokit.codec.Codec.NotStorableException;
import io.memokit.codec.StoredThrowable;
import io.memokit.codec.ValueReader;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoredCell;
import io.memokit.storage.WaitBoard;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.SoftReference;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The lifecycle of a block's cells in this process. A call is answered, in order:
 * <ol>
 *   <li>from memory, when this process already holds the cell's value and the store says the cell
 *       still exists ({@link Presence}, answered without a system call in the common case: HIT);</li>
 *   <li>by waiting for another thread of this process resolving the same cell;</li>
 *   <li>from the store, where the cell's bytes are kept by the store's backend (HIT);</li>
 *   <li>by waiting for the process computing it (WAIT, then HIT), or taking it over if that
 *       process dies (TAKEOVER);</li>
 *   <li>by computing it under the cell's lock (MISS, after OVERFLOW if the block was full).</li>
 * </ol>
 * Values and exceptions are stored alike. Errors ({@link Error}), interrupts and memokit's own
 * exceptions are not stored: they say nothing about the function's value.
 */
public final class Block {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final Map<BlockBackend, Block> BLOCKS = new ConcurrentHashMap<>();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Object MISSING = new Object();
  private static final Object NULL_VALUE = new Object();
  /**
   * Largest encoding kept in memory (softly) to be decoded afresh on each hit: values a caller could
   * change, or holding expressions. Larger ones are read from the store on each hit.
   */
  private static final int MAX_REMEMBERED_ENCODING = 64 << 20;

  private final BlockBackend storage;
  private final StoreBackend store;
  private final String storeName;
  private final String label;
  /** How the store's wait board names the block. */
  private final String blockDir;
  private final Codec codec = Codec.shared();
  /** The classes values read from the store may instantiate (null: any), as the store is configured now. */
  private final Supplier<ClassAllowList> allowedClasses;
  private final LongSupplier clockMillis;
  private final Map<CellKey, InFlight> inFlight = new ConcurrentHashMap<>();
  private final Map<CellKey, Remembered> memory = new ConcurrentHashMap<>();

  private Block(StoreBackend store, BlockBackend storage, Supplier<ClassAllowList> allowedClasses,
                LongSupplier clockMillis) {
    this.storage = storage;
    this.store = store;
    this.storeName = store.location();
    this.label = storage.id().label();
    this.blockDir = storage.id().directoryName();
    this.allowedClasses = allowedClasses;
    this.clockMillis = clockMillis;
    storage.beforeStatistics(this::publishHits);
  }

  static {
    // Hits counted in memory are published in batches; publish what is left when the JVM exits normally.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> BLOCKS.values().forEach(Block::publishHits),
        "memokit-publish-hits"));
  }

  /**
   * The one lifecycle object of {@code block} in this process; values are read with the classes
   * {@code allowedClasses} gives at each read, and hits dated by {@code clockMillis}.
   */
  public static Block of(StoreBackend store, BlockBackend block, Supplier<ClassAllowList> allowedClasses,
                         LongSupplier clockMillis) {
    return BLOCKS.computeIfAbsent(block, b -> new Block(store, b, allowedClasses, clockMillis));
  }

  /**
   * Memory hits are counted here and handed to the store's backend every 100 ms by a daemon thread
   * (and when statistics are read, before structural changes, and at exit), which writes them at
   * its own pace: every process hitting one cell would otherwise write to the store on each hit,
   * and adding processes would slow them all. A hit only increments a local counter and, the first time, raises a flag.
   */
  private volatile boolean hitsPending;

  private void markHitsPending() {
    hitsPending = true;
    Publisher.START.run();
  }

  /** The daemon that publishes the blocks' pending hits every 100 ms. */
  private static final class Publisher {
    static final Runnable START;

    static {
      var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memokit-hit-publisher");
        t.setDaemon(true);
        return t;
      });
      executor.scheduleWithFixedDelay(() -> {
        for (Block b : BLOCKS.values()) {
          if (b.hitsPending) {
            b.hitsPending = false; // before publishing: a hit counted meanwhile raises it again
            b.publishHits(true);
          }
        }
      }, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
      START = () -> {};
    }
  }

  /** Publishes the hits counted in memory since the last time, and has the backend write them now. */
  public void publishHits() {
    publishHits(false);
  }

  /** As {@link #publishHits()}; a {@code periodic} round lets the backend write them at its own pace. */
  private void publishHits(boolean periodic) {
    Remembered m;
    while ((m = withHits.poll()) != null) {
      m.queued = false; // before publishing: a hit counted meanwhile queues it again
      publish(m);
    }
    if (storage.flushHits(periodic)) markHitsPending(); // left for a later round: keep the rounds coming
  }

  /**
   * The remembered cells with hits not yet published, each queued by its first such hit: publishing
   * (every 100 ms, and before each eviction) visits them only, not every cell this process remembers.
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<Remembered> withHits =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private void publish(Remembered m) {
    long n = m.pendingHits.sumThenReset();
    if (n > 0) m.presence.publishHits(n, m.lastHit);
  }

  public BlockBackend storage() {
    return storage;
  }

  /** Forgets this process's in-memory copies (after a clear, or to save memory). */
  public void forgetMemory() {
    publishHits();
    memory.clear();
  }

  /**
   * Calls {@code fn} with {@code args} through the cache; returns its value or throws its exception
   * (stored or fresh) as it is. In cache-only mode a cell that is neither stored nor being computed
   * raises a {@link MemoException} instead of being computed.
   */
  public Object call(NamedFunction fn, Object[] args, boolean cacheOnly) {
    return call(fn, args, cacheOnly, null);
  }

  /**
   * A call as one input of a sweep: as {@link #call(NamedFunction, Object[], boolean)}, and
   * {@code step} (when not null) says how it went. A step that may not wait returns at once,
   * {@linkplain SweepStep#deferred deferred}, when another thread or process computes the cell.
   */
  Object call(NamedFunction fn, Object[] args, boolean cacheOnly, SweepStep step) {
    try {
      return callOnce(fn, args, cacheOnly, step);
    } catch (InternalError e) {
      if (!storage.repairedAfter(e)) throw e;
      memory.clear();
      return callOnce(fn, args, cacheOnly, step);
    }
  }

  private Object callOnce(NamedFunction fn, Object[] args, boolean cacheOnly, SweepStep step) {
    // The key is first computed in place, to look the cell up in memory without allocating; it is
    // copied into a lasting CellKey only when the call goes further.
    KeyWriter.Probe probe = KeyWriter.probe(label, args, fn.implicitArgs());
    if (!probe.notKeyed().isEmpty()) tellNotKeyed(probe.notKeyed());
    Remembered m = memory.get(probe);
    if (m != null) {
      Object remembered = fromMemory(probe, m, step);
      if (remembered != MISSING) return remembered;
    }
    CellKey key = probe.toKey();
    Object remembered;
    for (;;) {
      InFlight mine = new InFlight(() -> describe(fn, args));
      InFlight other = inFlight.putIfAbsent(key, mine);
      if (other == null) {
        try {
          return resolve(fn, args, key, cacheOnly, mine, step);
        } finally {
          inFlight.remove(key, mine);
          mine.finish();
        }
      }
      if (step != null && !step.mayWait) return step.defer();
      awaitThread(other);
      remembered = fromMemory(key, step);
      if (remembered != MISSING) return remembered;
      // The other thread's result was not kept (not storable, lost, an error): resolve again.
    }
  }

  /**
   * Says once per value read that has no canonical key that it counts by its type only: a change of
   * it is not seen by the cache, and how to say so or pass it.
   */
  private void tellNotKeyed(List<String> notKeyed) {
    FunctionId id = storage.id();
    for (String what : notKeyed) {
      String name = what.substring(0, what.indexOf(" ("));
      String ignore = name.startsWith("variable ") ? ", or say " + id.name() + " does not depend on it: " + id.name()
          + ".ignoring(\"" + name.substring("variable ".length()) + "\")" : "";
      Notice.once("not keyed " + id + " " + what, id.name() + " reads " + what + ", which has no canonical key: "
          + "its cells count it by its type only, so a change of its value is not seen; pass it as an argument"
          + ignore);
    }
  }

  private void awaitThread(InFlight other) {
    boolean announced = false;
    String who = "thread " + other.owner.getName() + " of this process";
    try {
      while (!other.await(20)) {
        if (!announced && other.cellId != 0) {
          event(Trace.Kind.WAIT, other.cellId, "for " + who);
          announced = true;
        }
      }
    } catch (InterruptedException | ThreadDeath e) {
      // Thread.interrupt (Jupyter kernels), or Thread.stop (JShell's Ctrl-C on JDK 17): this thread
      // holds nothing yet, and callOnce's finally removes its own in-flight entry, if any.
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      long id = other.cellId;
      throw new MemoException("interrupted while waiting for " + (id != 0 ? "cell " + id + " of " : "")
          + other.description() + ", computed by " + who, e instanceof ThreadDeath ? e : null);
    }
  }

  // ---- memory ---------------------------------------------------------------------------------

  /** A cell's value as this process last saw it, valid while the store still holds the cell. */
  private static final class Remembered {
    final Presence presence;
    final boolean error;
    /** The value itself when it is shareable; else its encoding (a byte[]), decoded for each hit. */
    final SoftReference<Object> value;
    final boolean encoded;
    final byte codecId;
    final java.util.concurrent.atomic.LongAdder pendingHits = new java.util.concurrent.atomic.LongAdder();
    /** When this process last answered a hit of this cell from memory: recency is that of the hit, not of its publication. */
    volatile long lastHit;
    /** Whether it waits in the block's queue of cells with unpublished hits. */
    volatile boolean queued;

    Remembered(Presence presence, boolean error, SoftReference<Object> value, boolean encoded, byte codecId) {
      this.presence = presence;
      this.error = error;
      this.value = value;
      this.encoded = encoded;
      this.codecId = codecId;
    }

    long cellId() {
      return presence.cellId();
    }
  }

  private void forget(Object lookup, Remembered m) {
    if (memory.remove(lookup, m)) publish(m);
  }

  private Object fromMemory(CellKey key, SweepStep step) {
    Remembered m = memory.get(key);
    return m == null ? MISSING : fromMemory(key, m, step);
  }

  /**
   * The remembered value of a cell ({@code lookup} is its CellKey or a Probe equal to it), if the
   * store says the cell still exists; counts the hit.
   */
  private Object fromMemory(Object lookup, Remembered m, SweepStep step) {
    if (!m.presence.stillStored()) {
      forget(lookup, m);
      return MISSING;
    }
    Object v = m.value.get();
    if (v == null) { // collected under memory pressure: the next call reads the store
      forget(lookup, m);
      return MISSING;
    }
    if (m.encoded) {
      byte[] bytes = (byte[]) v;
      try {
        v = codec.decode(m.codecId, bytes, bytes.length);
      } catch (IOException | ClassNotFoundException | RuntimeException e) {
        forget(lookup, m);
        return MISSING;
      }
    } else if (v == NULL_VALUE) {
      v = null;
    }
    long now = clockMillis.getAsLong();
    if (m.lastHit != now) m.lastHit = now;
    m.pendingHits.increment();
    if (!m.queued) {
      m.queued = true; // two threads may both queue it: the second publication finds nothing to add
      withHits.add(m);
    }
    if (!hitsPending) markHitsPending();
    event(Trace.Kind.HIT, m.cellId());
    return deliver(v, m.error, m.cellId(), step);
  }

  private void remember(CellKey key, Presence presence, boolean error, Object value, Payload payload) {
    Remembered r;
    if (!payload.shareable()) {
      if (payload.length() > MAX_REMEMBERED_ENCODING) return;
      r = new Remembered(presence, error, new SoftReference<>(java.util.Arrays.copyOf(payload.bytes(), payload.length())),
          true, payload.codec());
    } else {
      r = new Remembered(presence, error, new SoftReference<>(value == null ? NULL_VALUE : value), false, (byte) 0);
    }
    Remembered previous = memory.put(key, r);
    if (previous != null) publish(previous);
    int limit = Math.max(256, 2 * storage.maxsize());
    if (memory.size() > limit) {
      Iterator<Map.Entry<CellKey, Remembered>> it = memory.entrySet().iterator();
      for (int drop = memory.size() - limit * 3 / 4; drop > 0 && it.hasNext(); drop--) {
        Map.Entry<CellKey, Remembered> e = it.next();
        it.remove();
        publish(e.getValue());
      }
    }
  }

  private Object deliver(Object value, boolean error, long cellId, SweepStep step) {
    if (!error) return value;
    throw SweepStep.fails(step, StoredErrors.rethrowable(value, cellId, label, storage.id().name()));
  }

  // ---- store and processes --------------------------------------------------------------------

  private Object resolve(NamedFunction fn, Object[] args, CellKey key, boolean cacheOnly, InFlight mine,
                         SweepStep step) {
    boolean[] unreadable = {false};
    Object hit = hitStored(key, unreadable, step);
    if (hit != MISSING) return hit;
    Claim claim;
    try {
      claim = storage.tryClaim(key);
      if (claim == null) {
        if (step != null && !step.mayWait) return step.defer();
        claim = awaitProcess(key, mine, unreadable, step);
        if (claim == null) return mine.result;
      }
    } catch (IOException e) {
      return withoutStore(fn, args, label + " in " + storeName, e, step);
    }
    try (Claim held = claim) {
      hit = hitStored(key, held.stored(), unreadable, step);
      if (hit != MISSING) return hit;
      if (unreadable[0]) {
        // The cell is whole but this process cannot read its value (a class missing from this class
        // path, refused by the store's allow-list, a codec this JVM cannot run): other processes may
        // read it, so it is computed here and left as it is.
        if (cacheOnly) {
          throw new MemoException(describe(fn, args) + " is stored in " + storeName + " but cannot be read in this "
              + "process (see the warning above); cache-only mode does not compute it");
        }
        return invokeUncached(fn, args, step);
      }
      if (cacheOnly) {
        throw new MemoException(describe(fn, args) + " is not in the cache of " + storeName
            + " (cache-only mode: misses are not computed)");
      }
      Claim.Started p;
      try {
        p = held.start();
      } catch (IOException e) {
        // Nothing computed yet: the store cannot take a new cell (disk full, files removed, database down...).
        // Only storage calls are in this try: the function's own IOException must never land here.
        return withoutStore(fn, args, label + " in " + storeName, e, step);
      }
      if (p.takenOver()) {
        event(Trace.Kind.TAKEOVER, p.cellId());
      } else {
        if (p.evicted() > 0) event(Trace.Kind.OVERFLOW, p.evicted());
        event(Trace.Kind.MISS, p.cellId());
      }
      mine.cellId = p.cellId();
      return compute(fn, args, key, held, p.cellId(), step);
    }
  }

  private static final Map<String, Long> LAST_WARNING = new ConcurrentHashMap<>();

  /**
   * Warns about a store that cannot be written (full disk, removed files, lost database) at most once
   * a minute per block, so a loop over a full disk does not flood a notebook with one warning per call.
   */
  private static void warnStore(String where, String message) {
    long now = System.nanoTime();
    Long last = LAST_WARNING.get(where);
    if (last == null || now - last > 60_000_000_000L) {
      LAST_WARNING.put(where, now);
      LOG.log(System.Logger.Level.WARNING, "memokit: " + message + " (such warnings repeat at most once a minute)");
    }
  }

  /**
   * Computes without the store, after a warning (at most one a minute per block): used when the
   * store cannot be written, so that a call still returns its value.
   */
  public static Object withoutStore(NamedFunction fn, Object[] args, String where, Exception cause) {
    return withoutStore(fn, args, where, cause, null);
  }

  /** As {@link #withoutStore(NamedFunction, Object[], String, Exception)}, as one input of a sweep. */
  static Object withoutStore(NamedFunction fn, Object[] args, String where, Exception cause, SweepStep step) {
    warnStore(where, "cannot use the store for " + where + " (" + cause + "); computing without caching");
    return invokeUncached(fn, args, step);
  }

  private static Object invokeUncached(NamedFunction fn, Object[] args, SweepStep step) {
    if (step != null) step.computed = true;
    try {
      return fn.invoke(args);
    } catch (Exception e) {
      throw isStorable(e) ? SweepStep.fails(step, e) : Sneaky.rethrow(e);
    }
  }

  /**
   * Waits while another process computes {@code key}: returns the cell lock if that process died
   * (the caller takes over), or {@code null} with the stored result in {@code mine.result}.
   */
  private Claim awaitProcess(CellKey key, InFlight mine, boolean[] unreadable, SweepStep step) throws IOException {
    try (ProcessWait wait = new ProcessWait(store, storage, key, mine)) {
      long backoff = 1;
      for (;;) {
        String announcement = wait.announcement();
        if (announcement != null) event(Trace.Kind.WAIT, mine.cellId, announcement);
        wait.checkForCycle();
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException e) {
          // Thread.interrupt (Jupyter kernels): this thread holds no lock and no slot while it waits,
          // its board entry goes with close(), its in-flight entry with callOnce's finally.
          Thread.currentThread().interrupt();
          throw wait.interrupted(null);
        } catch (ThreadDeath e) {
          throw wait.interrupted(e); // Thread.stop: JShell's Ctrl-C on JDK 17 (local and remote execution)
        }
        backoff = Math.min(backoff * 2, 100);
        Object hit = hitStored(key, unreadable, step);
        if (hit != MISSING) {
          mine.result = hit;
          return null;
        }
        Claim claim = storage.tryClaim(key);
        if (claim != null) return claim;
      }
    }
  }

  /** The stored cell's value (HIT), or MISSING if there is none or it cannot be read here. */
  private Object hitStored(CellKey key, boolean[] unreadable, SweepStep step) {
    return hitStored(key, storage.read(key), unreadable, step);
  }

  /** {@code stored}'s value (HIT), or MISSING if it is {@code null} or cannot be read here. */
  private Object hitStored(CellKey key, StoredCell stored, boolean[] unreadable, SweepStep step) {
    if (stored == null) return MISSING;
    Payload payload = stored.payload();
    Object v;
    try {
      v = codec.decode(payload.codec(), payload.bytes(), payload.length(), allowedClasses.get());
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      v = payload.error() && e instanceof ClassNotFoundException ? salvaged(payload) : MISSING;
      if (v == MISSING) {
        tellUnreadable(e);
        unreadable[0] = true;
        return MISSING;
      }
    }
    Presence presence = storage.hit(key, stored);
    if (!hitsPending) markHitsPending(); // a backend may have queued the hit: the next round writes it
    event(Trace.Kind.HIT, stored.cellId());
    if (presence != null) remember(key, presence, payload.error(), v, payload);
    return deliver(v, payload.error(), stored.cellId(), step);
  }

  /** A stored exception whose class is missing here, read with that class salvaged; MISSING if it cannot be. */
  private Object salvaged(Payload stored) {
    try {
      return codec.salvage(stored.codec(), stored.bytes(), stored.length(), allowedClasses.get());
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      return MISSING;
    }
  }

  /**
   * Says once per block, in words, that stored values cannot be read in this process, why, and
   * what to do; the calls compute here and the stored cells stay for the processes that can read them.
   */
  private void tellUnreadable(Throwable e) {
    String why = e instanceof ClassNotFoundException || e instanceof ValueReader.IncompatibleClassException
        ? e.getMessage() : e.toString();
    String fix = e instanceof ClassNotFoundException ? "define that class as the process that stored them did (same "
        + "name and components), then call again"
        : e instanceof ValueReader.IncompatibleClassException ? "define the class as it was when they were stored, or "
        + "clear the function's cells (" + storage.id().name() + ".clear()) to store values of the new shape"
        : "see the cause; the stored cells are kept";
    Notice.once("unreadable " + storeName + " " + storage.id().describe(), label + ": cannot read its stored values in "
        + "this process: " + why + ". Computing here without storing, as long as this lasts; to share them, " + fix);
  }

  private Object compute(NamedFunction fn, Object[] args, CellKey key, Claim claim, long cellId, SweepStep step) {
    if (step != null) step.computed = true;
    long created = clockMillis.getAsLong();
    long cpu0 = cpuTime();
    long wall0 = System.nanoTime();
    Object value = null;
    Throwable thrown = null;
    WaitBoard.CellRef held = new WaitBoard.CellRef(blockDir, key.hashHi(), key.hashLo(), cellId);
    Holdings.enter(held); // for waits of this thread on other processes: what they hold up
    try {
      value = fn.invoke(args);
    } catch (Throwable t) {
      thrown = t;
    } finally {
      Holdings.leave(held);
    }
    long wall = System.nanoTime() - wall0;
    long cpu = Math.max(0, cpuTime() - cpu0);
    if (thrown != null && (!isStorable(thrown) || !fn.stores(thrown))) {
      claim.abandon();
      // Not stored: a failure of this run (an Error, an interrupt, memokit's own), or an exception
      // of a type the caller chose not to store, which is still the function's own answer.
      throw isStorable(thrown) ? SweepStep.fails(step, thrown) : Sneaky.rethrow(thrown);
    }
    StoredError error = thrown == null ? null : new StoredError(thrown, ProcessIdentity.PID, ProcessIdentity.HOST,
        created);
    Codec.Encoded encoded = encode(fn, args, claim, value, error);
    if (encoded != null) {
      Payload payload = new Payload(encoded.codec(), encoded.buffer(), encoded.length(), thrown != null,
          encoded.shareable());
      try {
        Presence presence = claim.complete(payload, new Claim.Timing(created, cpu, wall));
        if (presence == null) {
          event(Trace.Kind.LOST, cellId);
        } else {
          remember(key, presence, thrown != null, thrown != null ? error : value, payload);
        }
      } catch (IOException | RuntimeException e) {
        warnStore(label + " in " + storeName, "could not store " + describe(fn, args) + " (" + e
            + "); the result is returned but not cached");
        claim.abandon();
      }
    }
    if (thrown != null) throw SweepStep.fails(step, thrown);
    return value;
  }

  /** Encodes a result for storage; {@code null} (after a warning, cell abandoned) if it cannot be. */
  private Codec.Encoded encode(NamedFunction fn, Object[] args, Claim claim, Object value, StoredError error) {
    try {
      return codec.encode(error != null ? error : value);
    } catch (NotStorableException e) {
      if (error != null) {
        try {
          return codec.encode(new StoredError(StoredThrowable.of((Throwable) error.error()), error.pid(), error.host(),
              error.storedAtMillis()));
        } catch (NotStorableException impossible) {
          claim.abandon();
          return null;
        }
      }
      tellUnstorable(fn, e);
      claim.abandon();
      return null;
    }
  }

  /**
   * Says once per block, in one sentence, that the function's values cannot be stored, which type
   * stands in the way, and what to do: each such call is a miss that stores nothing.
   */
  private void tellUnstorable(NamedFunction fn, NotStorableException e) {
    String why = e.refused() == null ? e.reason() : e.refused().equals(e.type()) ? "it is not Serializable"
        : "it holds a " + e.refused() + ", which is not Serializable";
    Notice.once("unstorable " + storeName + " " + storage.id().describe(), fn.id().name() + " returned "
        + (e.type() == null ? "a value" : "a " + e.type()) + ", which memokit cannot store (" + why + "), so it is "
        + "computed again on every call; to have it cached, return something storable instead (the data itself, as a "
        + "record, list, array or string)");
  }

  private static boolean isStorable(Throwable t) {
    return !(t instanceof Error) && !(t instanceof InterruptedException) && !(t instanceof MemoException)
        && !Thread.currentThread().isInterrupted();
  }

  private static long cpuTime() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  private void event(Trace.Kind kind, long n) {
    Trace.event(storeName, label, kind, n, "");
  }

  private void event(Trace.Kind kind, long n, String detail) {
    Trace.event(storeName, label, kind, n, detail);
  }

  private String describe(NamedFunction fn, Object[] args) {
    StringBuilder sb = new StringBuilder(fn.id().name()).append('(');
    for (int i = 0; i < args.length; i++) {
      if (i > 0) sb.append(", ");
      sb.append(abbreviate(args[i]));
    }
    return sb.append(')').toString();
  }

  static String abbreviate(Object o) {
    String s;
    if (o != null && o.getClass().isArray()) {
      s = o.getClass().getComponentType().getSimpleName() + "[" + java.lang.reflect.Array.getLength(o) + "]";
    } else {
      try {
        s = String.valueOf(o);
      } catch (RuntimeException e) {
        s = o.getClass().getSimpleName();
      }
    }
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
