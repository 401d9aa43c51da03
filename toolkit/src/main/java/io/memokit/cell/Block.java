package io.memokit.cell;

import io.memokit.MemoException;
import io.memokit.function.CellKey;
import io.memokit.function.CellValidity;
import io.memokit.function.KeyWriter;
import io.memokit.function.NamedFunction;
import io.memokit.codec.Codec;
import io.memokit.codec.ReadPolicy;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
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

  private static final Object MISSING = CellMemory.MISSING;

  private final BlockBackend storage;
  private final StoreBackend store;
  private final String storeName;
  private final String label;
  /** What values read from the store may be and hold, as the store is configured now. */
  private final Supplier<ReadPolicy> readPolicy;
  private final Codec codec = Codec.shared();
  private final Map<CellKey, InFlight> inFlight = new ConcurrentHashMap<>();
  private final CellMemory memory;
  private final BlockNotices notices;
  private final Computation computation;
  private final LongSupplier clockMillis;
  private final LongSupplier ticker;

  private final HitPublisher publisher;

  private Block(StoreBackend store, BlockBackend storage, HitPublisher publisher,
                Supplier<ReadPolicy> readPolicy, LongSupplier clockMillis, LongSupplier ticker) {
    this.publisher = publisher;
    this.clockMillis = clockMillis;
    this.ticker = ticker;
    this.storage = storage;
    this.store = store;
    this.storeName = store.location();
    this.label = storage.id().label();
    this.readPolicy = readPolicy;
    this.memory = new CellMemory(storage, codec, clockMillis, publisher);
    this.notices = new BlockNotices(storage.id(), storeName);
    this.computation = new Computation(storage.id(), storage.id().storedName(), storeName, codec, clockMillis, ticker,
        memory, notices);
  }

  /**
   * The lifecycle of {@code block} in this process (its store keeps one per block), its hits handed
   * to the store by {@code publisher}; values are read
   * as the policy {@code readPolicy} gives at each read, hits and cells dated by
   * {@code clockMillis}, and waits and computations timed by {@code ticker} (monotonic nanoseconds).
   */
  public static Block of(StoreBackend store, BlockBackend block, HitPublisher publisher,
                         Supplier<ReadPolicy> readPolicy, LongSupplier clockMillis, LongSupplier ticker) {
    return new Block(store, block, publisher, readPolicy, clockMillis, ticker);
  }

  /** Publishes the hits counted in memory since the last time, and has the backend write them now. */
  public void publishHits() {
    memory.publishHits();
  }

  public BlockBackend storage() {
    return storage;
  }

  /** Publishes this block's hits and stops counting them (its store is being closed). */
  public void close() {
    publisher.remove(memory);
  }

  /** Forgets this process's in-memory copies (after a clear, or to save memory). */
  public void forgetMemory() {
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
    // Not through repairing(): a call is the hot path, and allocates nothing on a hit from memory.
    try {
      return callOnce(fn, args, cacheOnly, step);
    } catch (InternalError e) {
      if (!storage.repairedAfter(e)) throw e;
      memory.drop();
      return callOnce(fn, args, cacheOnly, step);
    }
  }

  private Object callOnce(NamedFunction fn, Object[] args, boolean cacheOnly, SweepStep step) {
    Object answered = fromMemoryOrKey(fn, args, step);
    if (!(answered instanceof Unanswered u)) return answered;
    CellKey key = u.key();
    Object remembered;
    for (;;) {
      InFlight mine = new InFlight(fn, args);
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

  /** A call memory could not answer, with its key: what {@link #fromMemoryOrKey} returns then. */
  private record Unanswered(CellKey key) {}

  /**
   * The answer to {@code fn(args)} from memory (counted as a hit), or, if memory cannot answer, the call's
   * key as an {@link Unanswered}. The key is first computed in place, to look the cell up without
   * allocating, and copied into a lasting CellKey only when the call goes further. The probe holds the
   * thread's key buffer until closed: a validity rule, or a value's decoding, that calls a memoized
   * function keys that call in a buffer of its own.
   */
  private Object fromMemoryOrKey(NamedFunction fn, Object[] args, SweepStep step) {
    try (KeyWriter.Probe probe = probe(fn, args)) {
      CellMemory.Remembered m = memory.get(probe);
      if (m != null && mayAnswer(fn.validity(), m)) {
        Object remembered = fromMemory(m, step);
        if (remembered != MISSING) return remembered;
      }
      return new Unanswered(probe.toKey());
    }
  }

  /** The key of {@code fn(args)}'s cell, as every process computes it. */
  public CellKey keyOf(NamedFunction fn, Object[] args) {
    try (KeyWriter.Probe probe = probe(fn, args)) {
      return probe.toKey();
    }
  }

  /** The key of {@code fn(args)}, computed in place (to be closed); says once which values read are not keyed. */
  private KeyWriter.Probe probe(NamedFunction fn, Object[] args) {
    KeyWriter.Probe probe = KeyWriter.probe(label, args, fn.implicitArgs());
    if (!probe.notKeyed().isEmpty()) {
      try {
        notices.notKeyed(probe.notKeyed());
      } catch (RuntimeException | Error e) {
        probe.close();
        throw e;
      }
    }
    return probe;
  }

  /**
   * Whether {@code fn(args)} has a finished cell that may answer it (a value or a stored exception,
   * valid under {@code fn}'s validity): never computes, never waits, counts nothing.
   */
  public boolean isCached(NamedFunction fn, Object[] args) {
    return repairing(() -> {
      CellValidity validity = fn.validity();
      CellKey key;
      try (KeyWriter.Probe probe = probe(fn, args)) {
        CellMemory.Remembered m = memory.get(probe);
        if (m != null && m.presence.stillStored() && mayAnswer(validity, m)) return true;
        key = probe.toKey();
      }
      StoredCell stored = storage.read(key);
      return stored != null && new Misread(validity).accepts(stored);
    });
  }

  /**
   * The stored result of {@code fn(args)} as a call would return it (a HIT), without computing or
   * waiting: empty when no finished cell may answer (or it holds {@code null}, or this process
   * cannot read it); a stored exception is thrown.
   */
  public Optional<Object> peek(NamedFunction fn, Object[] args) {
    Object v = repairing(() -> {
      Object answered = fromMemoryOrKey(fn, args, null);
      if (!(answered instanceof Unanswered u)) return answered;
      return hitStored(u.key(), new Misread(fn.validity()), null);
    });
    return v == MISSING ? Optional.empty() : Optional.ofNullable(v);
  }

  /**
   * Removes the finished cell of {@code fn(args)} from the store, for every process (a cell being
   * computed is left to finish); returns whether there was one.
   */
  public boolean forget(NamedFunction fn, Object[] args) throws IOException {
    CellKey key = keyOf(fn, args);
    memory.forget(key);
    return storage.remove(key);
  }

  /** Runs {@code read} once more after the backend repaired a fault it reported late ({@link BlockBackend#repairedAfter}). */
  private <T> T repairing(Supplier<T> read) {
    try {
      return read.get();
    } catch (InternalError e) {
      if (!storage.repairedAfter(e)) throw e;
      memory.drop();
      return read.get();
    }
  }

  /** The timing of a stored cell; a cell read without it (with a claim) was written during this call: now. */
  private Claim.Timing timingOf(StoredCell stored) {
    Claim.Timing t = stored.timing();
    return t != null ? t : new Claim.Timing(clockMillis.getAsLong(), 0, 0);
  }

  // ---- memory ---------------------------------------------------------------------------------

  private Object fromMemory(CellKey key, SweepStep step) {
    CellMemory.Remembered m = memory.get(key);
    return m == null ? MISSING : fromMemory(m, step);
  }

  /**
   * The remembered value of a cell ({@code lookup} is its CellKey or a Probe equal to it), if the
   * store says the cell still exists; counts the hit.
   */
  private Object fromMemory(CellMemory.Remembered m, SweepStep step) {
    Object v = memory.hit(m);
    if (v == MISSING) return MISSING;
    event(Trace.Kind.HIT, m.cellId());
    return deliver(v, m.error, m.cellId(), step);
  }

  private Object deliver(Object value, boolean error, long cellId, SweepStep step) {
    if (!error) return value;
    throw SweepStep.fails(step, StoredErrors.rethrowable(value, cellId, label, storage.id().name(),
        readPolicy.get()));
  }

  // ---- store and processes --------------------------------------------------------------------

  private Object resolve(NamedFunction fn, Object[] args, CellKey key, boolean cacheOnly, InFlight mine,
                         SweepStep step) {
    Misread misread = new Misread(fn.validity());
    BlockBackend.Lookup found;
    try {
      found = cacheOnly ? new BlockBackend.Lookup(storage.read(key), null) : storage.readOrClaimToCompute(key);
    } catch (IOException e) {
      return withoutStore(fn, args, label + " in " + storeName, e, step);
    }
    Claim claim = found.claim();
    Object hit;
    if (claim == null) {
      hit = hitStored(key, found.stored(), misread, step);
      if (hit != MISSING) return hit;
      try {
        // A cell found that may not answer is claimed now; none found and no claim to compute it:
        // another thread or process holds it (a cache-only call asks, to wait for it).
        if (found.stored() != null || cacheOnly) claim = tryClaim(key, cacheOnly);
        if (claim == null) {
          if (step != null && !step.mayWait) return step.defer();
          claim = awaitProcess(key, cacheOnly, mine, misread, step);
          if (claim == null) return mine.result;
        }
      } catch (IOException e) {
        return withoutStore(fn, args, label + " in " + storeName, e, step);
      }
    }
    try (Claim held = claim) {
      Claim.Started p = null;
      while (p == null) {
        hit = hitStored(key, held.stored(), misread, step);
        if (hit != MISSING) return hit;
        if (misread.unreadable) {
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
          throw new MemoException(describe(fn, args) + (misread.expired == 0 ? " is not in the cache of " + storeName
              : " is stored in " + storeName + " but " + misread.why) + " (cache-only mode: misses are not computed)");
        }
        try {
          p = held.start();
        } catch (Claim.StoredMeanwhile e) {
          // The read above missed a cell the block holds (its index was being repaired): read it again.
        } catch (IOException e) {
          // Nothing computed yet: the store cannot take a new cell (disk full, files removed, database down...).
          // Only storage calls are in this try: the function's own IOException must never land here.
          return withoutStore(fn, args, label + " in " + storeName, e, step);
        }
      }
      if (p.takenOver()) {
        event(Trace.Kind.TAKEOVER, p.cellId());
      } else {
        if (p.evicted() > 0) event(Trace.Kind.OVERFLOW, p.evicted());
        event(Trace.Kind.MISS, p.cellId(), misread.expired == 0 ? "" : "(cell " + misread.expired + " " + misread.why + ")");
      }
      mine.cellId = p.cellId();
      return computation.run(fn, args, key, held, p.cellId(), step);
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
    BlockNotices.storeProblem(where, "cannot use the store for " + where + " (" + cause + "); computing without caching");
    return invokeUncached(fn, args, step);
  }

  private static Object invokeUncached(NamedFunction fn, Object[] args, SweepStep step) {
    if (step != null) step.computed = true;
    try {
      return fn.invoke(args);
    } catch (Exception e) {
      throw Computation.isStorable(e) ? SweepStep.fails(step, e) : Sneaky.rethrow(e);
    }
  }

  /**
   * Waits while another process computes {@code key}: returns the cell lock if that process died
   * (the caller takes over), or {@code null} with the stored result in {@code mine.result}.
   */
  private Claim awaitProcess(CellKey key, boolean cacheOnly, InFlight mine, Misread misread, SweepStep step)
      throws IOException {
    try (ProcessWait wait = new ProcessWait(store, storage, key, mine, clockMillis, ticker)) {
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
        Object hit = hitStored(key, misread, step);
        if (hit != MISSING) {
          mine.result = hit;
          return null;
        }
        Claim claim = tryClaim(key, cacheOnly);
        if (claim != null) return claim;
      }
    }
  }

  /** A claim of {@code key}'s cell, made to compute it unless the call may only read (cache-only). */
  private Claim tryClaim(CellKey key, boolean cacheOnly) throws IOException {
    return cacheOnly ? storage.tryClaim(key) : storage.tryClaimToCompute(key);
  }

  /**
   * What the reads of one call found that was not a hit: a cell this process cannot read, or one
   * its handle's validity refuses (expired).
   */
  private static final class Misread {
    final CellValidity validity;
    boolean unreadable;
    /** The cell found invalid, 0 if none; the same cell found again under the claim is still invalid. */
    long expired;
    String why;

    Misread(CellValidity validity) {
      this.validity = validity;
    }

    /**
     * Whether {@code stored} may answer: a cell read without its timing (with a claim) and not the
     * one found invalid before was written after that read began, so it is fresh.
     */
    boolean accepts(StoredCell stored) {
      if (validity == null) return true;
      if (stored.cellId() == expired) return false;
      Claim.Timing t = stored.timing();
      if (t == null) return true;
      StringBuilder reason = new StringBuilder();
      if (validity.valid(stored.cellId(), stored.payload().error(), t.createdMillis(), t.cpuNanos(), t.wallNanos(), reason)) {
        return true;
      }
      expired = stored.cellId();
      why = reason.length() == 0 ? "refused by the validity rule" : reason.toString();
      return false;
    }
  }

  /** Whether a remembered cell may answer under {@code validity} ({@code null}: every cell may). */
  private static boolean mayAnswer(CellValidity validity, CellMemory.Remembered m) {
    if (validity == null) return true;
    return validity.valid(m.cellId(), m.error, m.createdMillis, m.cpuNanos, m.wallNanos, new StringBuilder());
  }

  /** The stored cell's value (HIT), or MISSING if there is none, it cannot be read here or is not valid. */
  private Object hitStored(CellKey key, Misread misread, SweepStep step) {
    return hitStored(key, storage.read(key), misread, step);
  }

  /** {@code stored}'s value (HIT), or MISSING if it is {@code null}, cannot be read here or is not valid. */
  private Object hitStored(CellKey key, StoredCell stored, Misread misread, SweepStep step) {
    if (stored == null || !misread.accepts(stored)) return MISSING;
    Payload payload = stored.payload();
    Object v;
    try {
      v = codec.decode(payload.codec(), payload.bytes(), payload.length(), readPolicy.get());
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      v = payload.error() && e instanceof ClassNotFoundException ? salvaged(payload) : MISSING;
      if (v == MISSING) {
        notices.unreadable(e);
        misread.unreadable = true;
        return MISSING;
      }
    }
    Presence presence = storage.hit(key, stored);
    if (!memory.hitsPending()) memory.markHitsPending(); // a backend may have queued the hit: the next round writes it
    event(Trace.Kind.HIT, stored.cellId());
    if (presence != null) memory.remember(key, presence, payload.error(), v, payload, timingOf(stored), true);
    return deliver(v, payload.error(), stored.cellId(), step);
  }

  /** A stored exception whose class is missing here, read with that class salvaged; MISSING if it cannot be. */
  private Object salvaged(Payload stored) {
    try {
      return codec.salvage(stored.codec(), stored.bytes(), stored.length(), readPolicy.get());
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      return MISSING;
    }
  }

  private void event(Trace.Kind kind, long n) {
    Trace.event(storeName, label, kind, n, "");
  }

  private void event(Trace.Kind kind, long n, String detail) {
    Trace.event(storeName, label, kind, n, detail);
  }

  /** {@code f(1, "abc", int[3])}: a call as messages name it, each argument abbreviated. */
  static String describe(NamedFunction fn, Object[] args) {
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
