package io.memokit.cell;

import io.memokit.codec.Codec;
import io.memokit.function.CellKey;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * This process's copies of a block's finished cells, each valid while the store still holds its
 * cell ({@link Presence}), and the hits they answered. A hit from memory only increments a counter
 * and, the first time, queues its cell; the queued hits are handed to the block's backend in
 * batches ({@link #publishHits}) by the {@link HitPublisher}, before statistics are read, and at
 * exit: every process hitting one cell would otherwise write to the store on each hit, and adding
 * processes would slow them all.
 *
 * <p>A value a caller could change is kept as its encoding and decoded afresh for each hit, so no
 * caller changes what the next one gets; larger encodings are not kept. Values (and encodings) of
 * more than {@value #HELD_DIRECTLY} encoded bytes are held softly.
 */
final class CellMemory {

  /** What {@link #hit} answers for a cell it no longer holds. */
  static final Object MISSING = new Object();
  private static final Object NULL_VALUE = new Object();
  /**
   * Largest encoding kept in memory to be decoded afresh on each hit: values a caller could
   * change, or holding expressions. Larger ones are read from the store on each hit.
   */
  private static final int MAX_REMEMBERED_ENCODING = 64 << 20;
  /**
   * Largest encoding whose value (or encoding) is held directly, not softly: memory pressure would
   * free little, as its cell's key and bookkeeping stay, and a soft reference is one more object
   * for every collection to copy and every hit to follow.
   */
  private static final int HELD_DIRECTLY = 256;

  private final BlockBackend storage;
  private final Codec codec;
  private final LongSupplier clockMillis;
  private final RememberedCells cells = new RememberedCells();

  private static final java.lang.invoke.VarHandle PENDING;

  static {
    try {
      PENDING = java.lang.invoke.MethodHandles.lookup().findVarHandle(Remembered.class, "pendingHits", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  /**
   * The remembered cells with hits not yet published, each queued by its first such hit: publishing
   * visits them only, not every cell this process remembers.
   */
  private final ConcurrentLinkedQueue<Remembered> withHits = new ConcurrentLinkedQueue<>();
  /** Whether a hit was counted (or queued by the backend) since the publisher's last round. */
  private volatile boolean hitsPending;

  private final HitPublisher publisher;

  CellMemory(BlockBackend storage, Codec codec, LongSupplier clockMillis, HitPublisher publisher) {
    this.publisher = publisher;
    this.storage = storage;
    this.codec = codec;
    this.clockMillis = clockMillis;
    publisher.add(this);
    storage.beforeStatistics(this::publishHits);
  }

  /**
   * A cell's value as this process last saw it, valid while the store still holds the cell; it is
   * its own key in {@link #cells} (a copy of the cell's key), which holds the cells themselves, no
   * node between. One object per cell beside its presence (its key, its timing inline, a small value
   * held directly): a hit follows one reference fewer, and every remembered cell is live data a
   * garbage collection copies, its pause growing with them.
   * Equal to any key of the same cell ({@link CellKey#equals}): compare remembered cells by identity.
   */
  static final class Remembered extends CellKey {
    final Presence presence;
    final boolean error;
    /**
     * The value itself when it is shareable, else its encoding (a byte[]), decoded for each hit; held
     * through a {@link SoftReference} when {@link #soft}, so that memory pressure can free it.
     */
    private final Object held;
    private final boolean soft;
    final boolean encoded;
    /** The encoding's length, when {@link #encoded}: the array holding it may be longer. */
    final int encodedLength;
    final byte codecId;
    /** When the cell was computed and how long it took, for a handle's validity rule. */
    final long createdMillis;
    final long cpuNanos;
    final long wallNanos;
    /**
     * Hits answered from memory and not yet published: a field of its own (updated through
     * {@link #PENDING}), not an adder beside it, so that a hit touches one object fewer.
     */
    volatile long pendingHits;
    /** When this process last answered a hit of this cell from memory: recency is that of the hit, not of its publication. */
    volatile long lastHit;
    /** Whether it waits in the queue of cells with unpublished hits. */
    volatile boolean queued;

    Remembered(CellKey key, Presence presence, boolean error, Object value, boolean soft, boolean encoded,
               int encodedLength, byte codecId, Claim.Timing timing) {
      super(key);
      this.presence = presence;
      this.error = error;
      this.held = soft ? new SoftReference<>(value) : value;
      this.soft = soft;
      this.encoded = encoded;
      this.encodedLength = encodedLength;
      this.codecId = codecId;
      this.createdMillis = timing.createdMillis();
      this.cpuNanos = timing.cpuNanos();
      this.wallNanos = timing.wallNanos();
    }

    /** The value (or its encoding, or {@code NULL_VALUE}); {@code null} if memory pressure freed it. */
    Object value() {
      return soft ? ((SoftReference<?>) held).get() : held;
    }

    long cellId() {
      return presence.cellId();
    }
  }

  /** The remembered cell {@code lookup} (a CellKey, or a probe equal to one) names, or {@code null}. */
  Remembered get(Object lookup) {
    return cells.get(lookup);
  }

  /**
   * The value of {@code m} if the store still holds its cell,
   * counting a hit; {@link #MISSING} if it does not, or memory lost the value.
   */
  Object hit(Remembered m) {
    if (!m.presence.stillStored()) {
      forget(m);
      return MISSING;
    }
    Object v = m.value();
    if (v == null) { // collected under memory pressure: the next call reads the store
      forget(m);
      return MISSING;
    }
    if (m.encoded) {
      byte[] bytes = (byte[]) v;
      try {
        v = codec.decode(m.codecId, bytes, m.encodedLength);
      } catch (IOException | ClassNotFoundException | RuntimeException e) {
        forget(m);
        return MISSING;
      }
    } else if (v == NULL_VALUE) {
      v = null;
    }
    long now = clockMillis.getAsLong();
    if (m.lastHit != now) m.lastHit = now;
    PENDING.getAndAdd(m, 1L);
    if (!m.queued) {
      m.queued = true; // two threads may both queue it: the second publication finds nothing to add
      withHits.add(m);
    }
    if (!hitsPending) markHitsPending();
    return v;
  }

  /**
   * Keeps a finished cell's value (or its encoding, when a caller could change it) while the store
   * holds it. An encoding is copied, unless {@code ownArray} says that nobody else holds or changes
   * the payload's array (a store's read: {@link io.memokit.storage.StoredCell#payload}) and that
   * array is at most an eighth longer than the encoding: then it is kept as it is, one allocation
   * and copy of the value's size fewer for a first hit.
   */
  void remember(CellKey key, Presence presence, boolean error, Object value, Payload payload, Claim.Timing timing,
                boolean ownArray) {
    Remembered r;
    int length = payload.length();
    boolean soft = length > HELD_DIRECTLY;
    if (!payload.shareable()) {
      if (length > MAX_REMEMBERED_ENCODING) return;
      byte[] bytes = payload.bytes();
      byte[] kept = ownArray && bytes.length - length <= length / 8 ? bytes : java.util.Arrays.copyOf(bytes, length);
      r = new Remembered(key, presence, error, kept, soft, true, length, payload.codec(), timing);
    } else {
      r = new Remembered(key, presence, error, value == null ? NULL_VALUE : value, soft, false, 0, (byte) 0, timing);
    }
    Remembered previous = cells.put(r);
    if (previous != null) publish(previous);
    int limit = Math.max(256, 2 * storage.maxsize());
    if (cells.size() > limit) {
      List<Remembered> dropped = new ArrayList<>();
      cells.removeSome(cells.size() - limit * 3 / 4, dropped::add);
      dropped.forEach(this::publish); // outside the table's lock: publishing reaches the backend
    }
  }

  /** Forgets the copy of {@code key}'s cell, if any, publishing its hits first. */
  void forget(CellKey key) {
    Remembered m = cells.get(key);
    if (m != null) forget(m);
  }

  private void forget(Remembered m) {
    if (cells.remove(m)) publish(m); // m itself: a newer copy of its cell stays
  }

  /** Forgets every copy, publishing their hits first (after a clear, or to save memory). */
  void clear() {
    publishHits();
    cells.clear();
  }

  /** Forgets every copy without publishing (the store's files were found damaged and repaired). */
  void drop() {
    cells.clear();
  }

  /** Says that a hit is waiting to be published (the backend may have queued one too). */
  void markHitsPending() {
    hitsPending = true;
    publisher.start();
  }

  boolean hitsPending() {
    return hitsPending;
  }

  /** The publisher's periodic round: publishes if a hit was counted since the last one. */
  void publishIfPending() {
    if (hitsPending) {
      hitsPending = false; // before publishing: a hit counted meanwhile raises it again
      publishHits(true);
    }
  }

  /** Publishes the hits counted in memory since the last time, and has the backend write them now. */
  void publishHits() {
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

  private void publish(Remembered m) {
    long n = (long) PENDING.getAndSet(m, 0L);
    if (n > 0) m.presence.publishHits(n, m.lastHit);
  }
}
