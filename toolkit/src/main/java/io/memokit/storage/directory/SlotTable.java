package io.memokit.storage.directory;

import io.memokit.function.Murmur3;
import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block's index: a memory-mapped file of fixed-size slots, one per live cell, shared by every
 * process that opens the block. Reads and statistics updates are plain memory accesses (a hit
 * costs no system call); counters use atomic instructions, which are atomic across processes
 * mapping the same page. Structural changes (allocation, completion, eviction, clearing) happen
 * under the block's administrative file lock, held by the caller.
 *
 * <p>The identity fields of a slot carry a check word, so a corrupted slot is recognised and
 * dropped; a corrupted header makes the caller rebuild the table from the cell files.
 */
final class SlotTable implements Closeable {

  /** 2: a finished slot says where its record is (its own file or the values log), in the word a pending slot names its process with. */
  static final int FORMAT = 2;
  static final long MAGIC = 0x4D4B4958L; // "MKIX"
  static final int HEADER_BYTES = 128;
  static final int SLOT_BYTES = 96;

  // Header fields (byte offsets of longs).
  private static final int H_MAGIC = 0, H_CAPACITY = 8, H_NEXT = 16, H_FREE = 24, H_LIVE = 32,
      H_HITS = 40, H_MISSES = 48, H_MAXSIZE = 56, H_GENERATION = 64, H_CHECK = 72, H_BYTES = 80, H_MODS = 88,
      H_LOG = 96, H_DEAD = 104, H_LOG_END = 112;
  // Slot fields. One word serves three states: a free slot links the free list with it (S_NEXT_FREE);
  // a pending slot names its computing process there (S_HOLDER, see ProcessIdentity.word), and
  // S_CREATED is when that process began computing; a finished slot says where its record is
  // (S_LOCATION: its own cell file, or a place in the values log, see ValuesLog.location).
  static final int S_STATE = 0, S_ID = 8, S_KEY_HI = 16, S_KEY_LO = 24, S_CREATED = 32, S_LAST_HIT = 40,
      S_HITS = 48, S_SIZE = 56, S_CPU = 64, S_WALL = 72, S_NEXT_FREE = 80, S_HOLDER = 80, S_LOCATION = 80,
      S_CHECK = 88;

  static final long FREE = 0, PENDING = 1, VALUE = 2, ERROR = 3;

  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Path file;
  private final FileChannel channel;
  private volatile MappedByteBuffer map;
  /** The key directory kept beside the table (structural changes update it); null until attached. */
  private KeyIndex keys;

  private SlotTable(Path file, FileChannel channel, MappedByteBuffer map) {
    this.file = file;
    this.channel = channel;
    this.map = map;
  }

  /**
   * Checks the header against the file: magic and check word, format, sizes, free list. Called at
   * open and at the start of every structural change, so corruption or truncation by anything
   * else is found before it is built upon. A fault reading a truncated mapping counts as corruption.
   */
  void validate() throws IOException {
    validate(Uninterruptibly.call(channel::size));
  }

  /** {@link #validate()} with the index file's size as a stat of it just gave. */
  void validate(long size) throws IOException {
    try {
      if (size < HEADER_BYTES) throw new CorruptFileException(file, "index is " + size + " bytes, shorter than its header");
      MappedByteBuffer m = map;
      long magic = Mappings.readAcquire(m, H_MAGIC);
      if ((magic >>> 32) != MAGIC || m.getLong(H_CHECK) != headerCheck(magic)) {
        throw new CorruptFileException(file, "index header is not valid");
      }
      if ((int) magic > FORMAT) throw new NewerFormatException(file, (int) magic, FORMAT);
      if ((int) magic < FORMAT) throw new OlderFormatException(file, (int) magic, FORMAT);
      long capacity = Mappings.readAcquire(m, H_CAPACITY);
      long next = Mappings.readAcquire(m, H_NEXT);
      long free = Mappings.readAcquire(m, H_FREE);
      long maxsize = Mappings.readAcquire(m, H_MAXSIZE);
      if (capacity < 0 || capacity > (1L << 23) || bytesFor(capacity) > size || next < 0 || next > capacity
          || free < 0 || free > next || maxsize < 1 || maxsize > Integer.MAX_VALUE) {
        throw new CorruptFileException(file, "index header has impossible values (capacity " + capacity + ", used "
            + next + ", free list " + free + ", maxsize " + maxsize + ", file " + size + " bytes)");
      }
      if (bytesFor(capacity) > m.capacity()) remap();
    } catch (InternalError e) {
      throw new CorruptFileException(file, "index could not be read (truncated while mapped?): " + e.getMessage());
    }
  }

  /** Whether the slots the header counts fit in an index file of {@code size} bytes (a read of the mapped header). */
  boolean fitsIn(long size) {
    try {
      long capacity = Mappings.readAcquire(map, H_CAPACITY);
      return capacity >= 0 && bytesFor(capacity) <= size;
    } catch (RuntimeException | InternalError e) {
      return false; // a truncated mapping: the caller stats the file
    }
  }

  /**
   * The maxsize this table's header holds if the header is sound (of this format or an earlier
   * one, which keeps it at the same place), else {@code fallback}: a rebuilt index keeps it.
   */
  int maxsizeIfSound(int fallback) {
    try {
      validate();
    } catch (OlderFormatException earlier) {
      // same header layout
    } catch (IOException | InternalError e) {
      return fallback;
    }
    return maxsize();
  }

  /** Rewrites this table in place as an empty one (admin lock held): every process's mapping sees it. */
  void reinitialize(int maxsize) throws IOException {
    long capacity = 64;
    MappedByteBuffer m = Uninterruptibly.call(() -> initialize(channel, maxsize, capacity));
    map = m;
    if (keys != null) keys.cleared(mods());
  }

  private synchronized void remap() throws IOException {
    long size = Uninterruptibly.call(channel::size);
    map = Uninterruptibly.call(() -> Mappings.readWrite(channel, size));
  }

  /**
   * Writes a fresh, empty table into {@code file}, which the caller created (with the store's
   * permissions) and nobody uses yet.
   */
  static void create(Path file, int maxsize, int initialCapacity) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      initialize(ch, maxsize, initialCapacity);
    }
  }

  /** Writes an empty table into {@code ch} (zeros written, not a sparse extension: a full disk fails here). */
  private static MappedByteBuffer initialize(FileChannel ch, int maxsize, long capacity) throws IOException {
    long size = bytesFor(capacity);
    ch.truncate(0);
    fillZeros(ch, 0, size);
    MappedByteBuffer m = Mappings.readWrite(ch, size);
    m.putLong(H_CAPACITY, capacity);
    m.putLong(H_MAXSIZE, (long) maxsize);
    m.putLong(H_GENERATION, System.nanoTime() | 1); // a rebuilt table never matches an old generation
    m.putLong(H_CHECK, headerCheck((MAGIC << 32) | FORMAT));
    LONGS.setVolatile(m, H_MAGIC, (MAGIC << 32) | FORMAT);
    return m;
  }

  private static void fillZeros(FileChannel ch, long from, long to) throws IOException {
    java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 * 1024);
    for (long pos = from; pos < to; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
      pos += ch.write(zeros, pos);
    }
  }

  /** Maps a table whose content is about to be rebuilt (no validation). */
  static SlotTable openForRebuild(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new SlotTable(file, ch, Mappings.readWrite(ch, Math.max(ch.size(), HEADER_BYTES)));
  }

  /** Maps an existing table; throws {@link CorruptFileException} when its header is not valid. */
  static SlotTable open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long size = ch.size();
      if (size < HEADER_BYTES) throw new CorruptFileException(file, "index is " + size + " bytes, shorter than its header");
      MappedByteBuffer m = Mappings.readWrite(ch, size);
      SlotTable t = new SlotTable(file, ch, m);
      t.validate();
      return t;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static long bytesFor(long capacity) {
    return HEADER_BYTES + capacity * SLOT_BYTES;
  }

  private static long headerCheck(long magic) {
    return mix(magic ^ 0x5bd1e995L);
  }

  // ---- header -------------------------------------------------------------------------------

  long capacity() {
    return Mappings.readAcquire(map, H_CAPACITY);
  }

  long used() {
    return Mappings.readAcquire(map, H_NEXT);
  }

  /** Attaches the key directory that structural changes keep up to date. */
  void attach(KeyIndex keys) {
    this.keys = keys;
  }

  /**
   * Counts changes of slots (allocations, completions, frees, resets), counted when each begins:
   * the key directory records the count once the change is complete.
   */
  long mods() {
    return Mappings.readAcquire(map, H_MODS);
  }

  /**
   * Closes a change begun by {@link #nextMods} (which every change of a slot's state begins with):
   * the key directory records the count. A section that finds the two counts apart knows a
   * process was killed in the middle of a change, and repairs ({@link BlockFiles#withAdmin}).
   */
  private void endChange(long mods) {
    if (keys != null) keys.inStep(mods);
  }

  private long nextMods() {
    return (long) LONGS.getAndAdd(map, H_MODS, 1L) + 1;
  }

  /** The slot of the key with this hash, whatever its state, or -1 (admin lock held): one or two probes. */
  long find(long keyHi, long keyLo) throws IOException {
    return keys.find(keyHi, keyLo, this);
  }

  /** Bytes of the finished cells (their files). */
  long bytes() {
    return Mappings.readAcquire(map, H_BYTES);
  }

  /** The generation of the values log that new records go to (see {@link ValuesLog}). */
  int logGeneration() {
    return (int) Mappings.readAcquire(map, H_LOG);
  }

  void setLogGeneration(int generation) {
    LONGS.setVolatile(map, H_LOG, (long) generation);
  }

  /** Where the next record of the current generation of the values log goes: the end of its last whole record. */
  long logEnd() {
    return Mappings.readAcquire(map, H_LOG_END);
  }

  void setLogEnd(long end) {
    LONGS.setVolatile(map, H_LOG_END, end);
  }

  /** Bytes of the values log held by records no slot names any more (freed cells): what compaction reclaims. */
  long deadBytes() {
    return Mappings.readAcquire(map, H_DEAD);
  }

  void setDeadBytes(long bytes) {
    LONGS.setVolatile(map, H_DEAD, bytes);
  }

  private void addBytes(long delta) {
    LONGS.getAndAdd(map, H_BYTES, delta);
  }

  /** Sets the bytes count after a full scan (heals a count left wrong by a process killed mid-update). */
  void setBytes(long bytes) {
    LONGS.setVolatile(map, H_BYTES, bytes);
  }

  long live() {
    return Mappings.readAcquire(map, H_LIVE);
  }

  long hits() {
    return Mappings.readAcquire(map, H_HITS);
  }

  long misses() {
    return Mappings.readAcquire(map, H_MISSES);
  }

  int maxsize() {
    return (int) Mappings.readAcquire(map, H_MAXSIZE);
  }

  void setMaxsize(int maxsize) {
    LONGS.setVolatile(map, H_MAXSIZE, (long) maxsize);
  }

  void countHit() {
    LONGS.getAndAdd(map, H_HITS, 1L);
  }

  void countMiss() {
    LONGS.getAndAdd(map, H_MISSES, 1L);
  }

  /**
   * Changes whenever a slot is freed (eviction, clear, repair) or the table is rebuilt: a process
   * that validated a slot at this generation knows it still holds the same cell without reading it.
   */
  long generation() {
    return Mappings.readAcquire(map, H_GENERATION);
  }

  // ---- slots: reads (any time) ----------------------------------------------------------------

  /** The mapping, remapped first if another process grew the table past what this one maps. */
  private MappedByteBuffer mapFor(long slot) throws IOException {
    MappedByteBuffer m = map;
    long end = bytesFor(slot + 1);
    if (end <= m.capacity()) return m;
    synchronized (this) {
      m = map;
      if (end <= m.capacity()) return m;
      long size = Uninterruptibly.call(channel::size);
      if (end > size) throw new IOException("slot " + slot + " is beyond the index (" + size + " bytes)");
      m = Uninterruptibly.call(() -> Mappings.readWrite(channel, size));
      map = m;
      return m;
    }
  }

  long get(long slot, int field) throws IOException {
    return Mappings.readAcquire(mapFor(slot), (int) (HEADER_BYTES + slot * SLOT_BYTES + field));
  }

  /** Whether {@code slot} holds the finished cell {@code id} with this key hash. */
  boolean holds(long slot, long id, long keyHi, long keyLo) {
    MappedByteBuffer m = map;
    long base = HEADER_BYTES + slot * SLOT_BYTES;
    if (slot < 0 || base + SLOT_BYTES > m.capacity()) return false;
    int b = (int) base;
    try {
      long state = Mappings.readAcquire(m, b + S_STATE);
      return (state == VALUE || state == ERROR) && m.getLong(b + S_ID) == id
          && m.getLong(b + S_KEY_HI) == keyHi && m.getLong(b + S_KEY_LO) == keyLo;
    } catch (InternalError truncated) {
      return false; // the file was truncated under this mapping: the caller reads the cell's file instead
    }
  }

  /** Counts a hit on a slot this process has just validated with {@link #holds}. */
  void hit(long slot, long now) {
    int b = (int) (HEADER_BYTES + slot * SLOT_BYTES);
    MappedByteBuffer m = map;
    try {
      laterLastHit(m, b, now);
      LONGS.getAndAdd(m, b + S_HITS, 1L);
      LONGS.getAndAdd(m, H_HITS, 1L);
    } catch (InternalError truncated) {
      // statistics only; the next structural change revalidates and rebuilds the index
    }
  }

  /**
   * Moves the last-hit time of the slot at {@code b} to {@code now} unless a later one is recorded:
   * plain accesses, as nothing orders anything by it (processes race on it, and whichever time
   * stands is a recent hit's).
   */
  private static void laterLastHit(MappedByteBuffer m, int b, long now) {
    if (m.getLong(b + S_LAST_HIT) < now) m.putLong(b + S_LAST_HIT, now);
  }

  /**
   * Adds {@code n} hits published in a batch: to the block's total always, and to the slot's own
   * count when it still holds cell {@code id} of this key, with {@code now}, the time of the last
   * of them, as its last hit unless a later one is recorded.
   */
  void addHits(long slot, long id, long keyHi, long keyLo, long n, long now) {
    MappedByteBuffer m = map;
    try {
      LONGS.getAndAdd(m, H_HITS, n);
      if (!holds(slot, id, keyHi, keyLo)) return;
      int b = (int) (HEADER_BYTES + slot * SLOT_BYTES);
      laterLastHit(m, b, now);
      LONGS.getAndAdd(m, b + S_HITS, n);
    } catch (InternalError truncated) {
      // statistics only
    }
  }

  /** A consistent copy of a slot, or {@code null} when it is free or its check word is wrong. */
  Slot read(long slot) throws IOException {
    MappedByteBuffer m = mapFor(slot);
    int b = (int) (HEADER_BYTES + slot * SLOT_BYTES);
    long state = Mappings.readAcquire(m, b + S_STATE);
    if (state == FREE) return null;
    Slot s = new Slot(slot, state, m.getLong(b + S_ID), m.getLong(b + S_KEY_HI),
        m.getLong(b + S_KEY_LO), m.getLong(b + S_CREATED), m.getLong(b + S_LAST_HIT),
        m.getLong(b + S_HITS), m.getLong(b + S_SIZE), m.getLong(b + S_CPU),
        m.getLong(b + S_WALL), m.getLong(b + S_LOCATION));
    if (state > ERROR || m.getLong(b + S_CHECK) != s.check()) return Slot.corrupt(slot);
    return s;
  }

  // ---- slots: structure (caller holds the administrative lock) --------------------------------

  /**
   * Takes a free slot (growing the table when needed) and marks it pending for {@code id}, computed
   * by the process {@code holder} names (0 for none).
   */
  long allocate(long id, long keyHi, long keyLo, long now, long holder) throws IOException {
    long mods = nextMods();
    MappedByteBuffer m = map;
    long free = Mappings.readAcquire(m, H_FREE);
    long slot;
    if (free > 0) {
      slot = free - 1;
      LONGS.setVolatile(map, H_FREE, get(slot, S_NEXT_FREE));
    } else {
      slot = Mappings.readAcquire(m, H_NEXT);
      if (slot >= capacity()) grow(slot + 1);
      LONGS.setVolatile(map, H_NEXT, slot + 1);
    }
    write(new Slot(slot, PENDING, id, keyHi, keyLo, now, now, 0, 0, 0, 0, holder));
    LONGS.getAndAdd(map, H_LIVE, 1L);
    if (keys != null) keys.added(keyHi, keyLo, slot, this, mods);
    return slot;
  }

  /** Re-initialises a pending slot left by a process that died, for the process taking over ({@code holder}). */
  void restart(Slot pending, long now, long holder) throws IOException {
    long mods = nextMods();
    write(new Slot(pending.index(), PENDING, pending.id(), pending.keyHi(), pending.keyLo(), now, now, 0, 0, 0, 0,
        holder));
    endChange(mods);
  }

  /** Marks a pending slot finished, its record at {@code location}. */
  void finish(Slot pending, long state, long size, long cpuNanos, long wallNanos, long now, long location)
      throws IOException {
    long mods = nextMods();
    write(new Slot(pending.index(), state, pending.id(), pending.keyHi(), pending.keyLo(), pending.created(), now,
        0, size, cpuNanos, wallNanos, location));
    addBytes(Math.abs(size));
    endChange(mods);
  }

  /** Adopts a finished cell whose record exists but whose slot was lost (index rebuilt or corrupted). */
  long adopt(long id, long keyHi, long keyLo, long state, long size, long created, long cpu, long wall, long now,
             long location) throws IOException {
    long slot = allocate(id, keyHi, keyLo, created, 0);
    long mods = nextMods();
    write(new Slot(slot, state, id, keyHi, keyLo, created, now, 0, size, cpu, wall, location));
    addBytes(Math.abs(size));
    endChange(mods);
    return slot;
  }

  /**
   * Moves a finished slot's record (compaction of the values log): its location word, then its check
   * word. A process reading the slot meanwhile finds a check word that does not match and reads it
   * again; one that read the former location reads the former record, still whole in its file.
   */
  void relocate(Slot s, long location) throws IOException {
    MappedByteBuffer m = mapFor(s.index());
    int b = (int) (HEADER_BYTES + s.index() * SLOT_BYTES);
    Slot moved = new Slot(s.index(), s.state(), s.id(), s.keyHi(), s.keyLo(), s.created(), s.lastHit(), s.hits(),
        s.size(), s.cpuNanos(), s.wallNanos(), location);
    LONGS.setVolatile(m, b + S_LOCATION, location);
    LONGS.setVolatile(m, b + S_CHECK, moved.check());
  }

  void free(long slot) throws IOException {
    long mods = nextMods();
    MappedByteBuffer m = mapFor(slot);
    int b = (int) (HEADER_BYTES + slot * SLOT_BYTES);
    long previous = Mappings.readAcquire(m, b + S_STATE);
    long size = m.getLong(b + S_SIZE);
    long keyHi = m.getLong(b + S_KEY_HI);
    long location = m.getLong(b + S_LOCATION);
    LONGS.setVolatile(m, b + S_STATE, FREE);
    m.putLong(b + S_NEXT_FREE, Mappings.readAcquire(map, H_FREE));
    LONGS.setVolatile(map, H_FREE, slot + 1);
    if (previous != FREE) LONGS.getAndAdd(map, H_LIVE, -1L);
    if (previous == VALUE || previous == ERROR) {
      addBytes(-Math.abs(size));
      if (ValuesLog.isLogged(location)) LONGS.getAndAdd(map, H_DEAD, Math.abs(size));
    }
    LONGS.getAndAdd(map, H_GENERATION, 1L);
    if (previous != FREE && keys != null) keys.removed(keyHi, slot, mods);
    else endChange(mods);
  }

  /**
   * The slots that read free but are neither on the free list nor beyond it: left half-written by
   * a process killed while it wrote them (a slot reads free while it changes). Admin lock held.
   */
  java.util.BitSet stranded() throws IOException {
    long used = used();
    java.util.BitSet onFreeList = new java.util.BitSet();
    for (long f = Mappings.readAcquire(map, H_FREE), n = 0; f > 0 && f <= used && n <= used; n++) {
      onFreeList.set((int) (f - 1));
      f = get(f - 1, S_NEXT_FREE);
    }
    java.util.BitSet stranded = new java.util.BitSet();
    for (long i = 0; i < used; i++) {
      if (!onFreeList.get((int) i) && Mappings.readAcquire(mapFor(i), (int) (HEADER_BYTES + i * SLOT_BYTES + S_STATE))
          == FREE) {
        stranded.set((int) i);
      }
    }
    return stranded;
  }

  /**
   * Puts back on the free list a slot a killed process left half-written (admin lock held), and
   * forgets the key directory's entry for it; the caller recounts the live cells.
   */
  void freeStranded(long slot, long keyHi) throws IOException {
    long mods = nextMods();
    MappedByteBuffer m = mapFor(slot);
    int b = (int) (HEADER_BYTES + slot * SLOT_BYTES);
    LONGS.setVolatile(m, b + S_STATE, FREE);
    m.putLong(b + S_NEXT_FREE, Mappings.readAcquire(map, H_FREE));
    LONGS.setVolatile(map, H_FREE, slot + 1);
    LONGS.getAndAdd(map, H_GENERATION, 1L);
    if (keys != null) keys.removed(keyHi, slot, mods);
  }

  /** Drops every slot at once (clear of a whole block). */
  void reset() throws IOException {
    long mods = nextMods();
    MappedByteBuffer m = map;
    long used = Mappings.readAcquire(m, H_NEXT);
    for (long s = 0; s < used; s++) LONGS.setVolatile(m, (int) (HEADER_BYTES + s * SLOT_BYTES + S_STATE), FREE);
    LONGS.setVolatile(m, H_FREE, 0L);
    LONGS.setVolatile(m, H_NEXT, 0L);
    LONGS.setVolatile(m, H_LIVE, 0L);
    setBytes(0);
    LONGS.getAndAdd(m, H_GENERATION, 1L);
    if (keys != null) keys.cleared(mods);
  }

  /** Writes a slot: readers see it free until its state, written last, makes it visible. */
  private void write(Slot s) throws IOException {
    MappedByteBuffer m = mapFor(s.index());
    int b = (int) (HEADER_BYTES + s.index() * SLOT_BYTES);
    LONGS.setVolatile(m, b + S_STATE, FREE); // readers see a free slot while it changes
    m.putLong(b + S_LOCATION, s.location()); // for a pending slot: its holder
    m.putLong(b + S_ID, s.id());
    m.putLong(b + S_KEY_HI, s.keyHi());
    m.putLong(b + S_KEY_LO, s.keyLo());
    m.putLong(b + S_CREATED, s.created());
    m.putLong(b + S_LAST_HIT, s.lastHit());
    m.putLong(b + S_HITS, s.hits());
    m.putLong(b + S_SIZE, s.size());
    m.putLong(b + S_CPU, s.cpuNanos());
    m.putLong(b + S_WALL, s.wallNanos());
    m.putLong(b + S_CHECK, s.check());
    LONGS.setVolatile(m, b + S_STATE, s.state());
  }

  private void grow(long needed) throws IOException {
    long old = capacity();
    long capacity = Math.max(old, 16);
    while (capacity < needed) capacity *= 2;
    long size = bytesFor(capacity);
    Uninterruptibly.call(() -> {
      fillZeros(channel, Math.max(bytesFor(old), channel.size()), size); // a full disk fails here, not later
      return null;
    });
    MappedByteBuffer m = Uninterruptibly.call(() -> Mappings.readWrite(channel, size));
    map = m;
    LONGS.setVolatile(m, H_CAPACITY, capacity);
  }

  /** Sets the live count after a full scan (heals a count left wrong by a process killed mid-update). */
  void setLive(long live) {
    LONGS.setVolatile(map, H_LIVE, live);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  static long mix(long h) {
    return Murmur3.fmix(h);
  }

  /** A copy of one slot; {@code location} is a pending slot's holder, a finished one's record location. */
  record Slot(long index, long state, long id, long keyHi, long keyLo, long created, long lastHit, long hits,
              long size, long cpuNanos, long wallNanos, long location) {

    static final long CORRUPT = -1;

    static Slot corrupt(long index) {
      return new Slot(index, CORRUPT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    boolean isCorrupt() {
      return state == CORRUPT;
    }

    boolean isFinished() {
      return state == VALUE || state == ERROR;
    }

    /**
     * Check word over the identity and result fields and a finished slot's location (not the hit
     * statistics, which change, nor a pending slot's holder).
     */
    long check() {
      long h = mix(state * 31 + id);
      h = mix(h ^ keyHi);
      h = mix(h ^ keyLo);
      h = mix(h ^ created);
      h = mix(h ^ size);
      h = mix(h ^ cpuNanos);
      h = mix(h ^ wallNanos);
      return state == VALUE || state == ERROR ? mix(h ^ location) : h;
    }
  }
}
