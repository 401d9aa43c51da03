package io.memokit.storage.directory;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block's key directory, the file {@code keys}: an open-addressing table (linear probing) from a
 * cell's key hash to its slot in the index, so that finding a key's slot costs a probe or two
 * instead of a scan of every slot, and a miss costs the same in a large block as in a small one.
 *
 * <p>Written only under the block's admin lock, by every process; a hit reads it without a lock
 * ({@link #lookup}), each entry one atomic word, and verifies what it finds against the slot, so a
 * change under it at worst makes it miss. It records the index's
 * modification count it reflects; an admin section that finds another count (a process killed in
 * the middle of a change, an index rebuilt or written by an older memokit) rebuilds it from the
 * slots first. Entries are {@code (high 32 bits of the key hash) << 32 | (slot + 1)}, 0 for empty; the
 * file only grows, so no process's mapping ever points past its end.
 */
final class KeyIndex implements Closeable {

  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long MAGIC = 0x4D4B4B59_00000001L; // "MKKY", format 1
  private static final int K_MAGIC = 0, K_CAPACITY = 8, K_COUNT = 16, K_MODS = 24, HEADER = 64;
  private static final int MIN_CAPACITY = 64;

  private final FileChannel channel;
  private volatile MappedByteBuffer map;

  private KeyIndex(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens (creating if needed) the key directory {@code file}; it is made sound by the first {@link #syncWith}. */
  static KeyIndex open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    KeyIndex k = new KeyIndex(ch);
    k.remap();
    return k;
  }

  private synchronized void remap() throws IOException {
    long size = Uninterruptibly.call(channel::size);
    if (size < HEADER) size = HEADER;
    long mapped = size;
    map = Uninterruptibly.call(() -> Mappings.readWrite(channel, mapped));
  }

  private long capacity() {
    return Mappings.readAcquire(map, K_CAPACITY);
  }

  /** Maps what another process grew, and says whether the header is this format's with a sane capacity. */
  private boolean sound() throws IOException {
    if (map.capacity() < HEADER) remap();
    long capacity = capacity();
    if (Mappings.readAcquire(map, K_MAGIC) != MAGIC || capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1) {
      return false;
    }
    if (HEADER + capacity * 8 > map.capacity()) remap();
    return HEADER + capacity * 8 <= map.capacity();
  }

  /**
   * Makes this directory reflect {@code table} (admin lock held): rebuilt from its slots unless it
   * already records the table's modification count and live count. Returns whether it was rebuilt
   * (a process was killed in the middle of a change, or the table was rebuilt).
   */
  boolean syncWith(SlotTable table) throws IOException {
    if (sound() && Mappings.readAcquire(map, K_MODS) == table.mods()
        && Mappings.readAcquire(map, K_COUNT) == table.live()) {
      return false;
    }
    rebuild(table, table.live());
    return true;
  }

  /** Records that the table's change {@code mods} is complete and changed no entry (admin lock held). */
  void inStep(long mods) {
    LONGS.setVolatile(map, K_MODS, mods);
  }

  /** Whether this directory reflects the table's latest structural change (no lock: a hint). */
  boolean inStepWith(SlotTable table) {
    try {
      return Mappings.readAcquire(map, K_MODS) == table.mods();
    } catch (IndexOutOfBoundsException | InternalError e) {
      return false;
    }
  }

  /**
   * The slot of the key with this hash, or -1, read without a lock: a slot found is one whose key
   * words matched when read (the caller reads the slot whole and checks it again); a directory
   * changing under this read may make it miss a key it holds. {@link #DAMAGED} when the key was
   * not found and a slot an entry of its hash names is damaged (it may have been the key's).
   */
  static final long DAMAGED = -2;

  long lookup(long keyHi, long keyLo, SlotTable table) {
    try {
      MappedByteBuffer m = map;
      if (m.capacity() < HEADER || Mappings.readAcquire(m, K_MAGIC) != MAGIC) return -1;
      long capacity = Mappings.readAcquire(m, K_CAPACITY);
      if (capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1) return -1;
      if (HEADER + capacity * 8 > m.capacity()) {
        remap();
        m = map;
        if (HEADER + capacity * 8 > m.capacity()) return -1;
      }
      long used = table.used();
      boolean damaged = false;
      for (long i = home(keyHi, capacity), n = 0; n < capacity; i = (i + 1) & (capacity - 1), n++) {
        long e = Mappings.readAcquire(m, (int) (HEADER + i * 8));
        if (e == 0) break;
        if ((e & 0xFFFFFFFF00000000L) != (keyHi & 0xFFFFFFFF00000000L)) continue;
        long slot = (e & 0xFFFFFFFFL) - 1;
        if (slot >= used) continue;
        if (table.get(slot, SlotTable.S_KEY_HI) == keyHi && table.get(slot, SlotTable.S_KEY_LO) == keyLo) return slot;
        SlotTable.Slot s = table.read(slot);
        if (s != null && s.isCorrupt()) damaged = true;
      }
      return damaged ? DAMAGED : -1;
    } catch (IOException | IndexOutOfBoundsException | InternalError e) {
      return -1; // changing or truncated under this read: the caller takes the locked path or misses
    }
  }

  /** Rebuilds from the table's slots, with room for {@code expected} keys (admin lock held). */
  void rebuild(SlotTable table, long expected) throws IOException {
    rewriteEmpty(capacityFor(Math.max(expected, table.live())));
    long used = table.used();
    long count = 0;
    for (long i = 0; i < used; i++) {
      SlotTable.Slot s = table.read(i);
      if (s == null || s.isCorrupt()) continue;
      put(s.keyHi(), s.keyLo(), i, table);
      count++;
    }
    LONGS.setVolatile(map, K_COUNT, count);
    LONGS.setVolatile(map, K_MODS, table.mods());
  }

  /**
   * Writes an empty directory of {@code capacity} entries over whatever the file holds (admin lock
   * held): nothing of the former header or length is trusted, so a damaged file is rewritten whole.
   */
  private void rewriteEmpty(long capacity) throws IOException {
    long bytes = HEADER + capacity * 8;
    Uninterruptibly.call(() -> {
      ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
      for (long pos = 0; pos < bytes; ) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - pos));
        pos += channel.write(zeros, pos);
      }
      return null;
    });
    map = Uninterruptibly.call(() -> Mappings.readWrite(channel, Math.max(bytes, channel.size())));
    LONGS.setVolatile(map, K_CAPACITY, capacity);
    LONGS.setVolatile(map, K_COUNT, 0L);
    LONGS.setVolatile(map, K_MAGIC, MAGIC);
  }

  /** The entries of a directory built for {@code keys} keys: a power of two, at most half of them used. */
  private static long capacityFor(long keys) {
    long capacity = MIN_CAPACITY;
    while (capacity < 2 * keys) capacity *= 2;
    return capacity;
  }

  /** Where a key's probe starts: from the high 32 bits of its hash, which its entry keeps. */
  private static long home(long keyHiOrEntry, long capacity) {
    return SlotTable.mix(keyHiOrEntry >>> 32) & (capacity - 1);
  }

  private static long entry(long keyHi, long slot) {
    return (keyHi & 0xFFFFFFFF00000000L) | (slot + 1);
  }

  private long at(long i) {
    return map.getLong((int) (HEADER + i * 8));
  }

  private void set(long i, long e) {
    LONGS.setVolatile(map, (int) (HEADER + i * 8), e);
  }

  /** The slot of the key with this hash, or -1 (admin lock held, after {@link #syncWith}). */
  long find(long keyHi, long keyLo, SlotTable table) throws IOException {
    long capacity = capacity();
    for (long i = home(keyHi, capacity), n = 0; n < capacity; i = (i + 1) & (capacity - 1), n++) {
      long e = at(i);
      if (e == 0) return -1;
      if ((e & 0xFFFFFFFF00000000L) != (keyHi & 0xFFFFFFFF00000000L)) continue;
      long slot = (e & 0xFFFFFFFFL) - 1;
      if (table.get(slot, SlotTable.S_KEY_HI) == keyHi && table.get(slot, SlotTable.S_KEY_LO) == keyLo) return slot;
    }
    return -1;
  }

  /** Records {@code slot} as the key's (admin lock held; {@code mods} is the table's count after the change). */
  void added(long keyHi, long keyLo, long slot, SlotTable table, long mods) throws IOException {
    long count = Mappings.readAcquire(map, K_COUNT) + 1;
    if (count * 10 > capacity() * 6 && !grow(count)) {
      rebuild(table, count); // the table already holds the new slot
      return;
    }
    if (put(keyHi, keyLo, slot, table)) LONGS.setVolatile(map, K_COUNT, count);
    LONGS.setVolatile(map, K_MODS, mods);
  }

  /**
   * Moves every entry into a directory with room for {@code expected} keys (admin lock held, the
   * directory in step with the table): from the entries alone, as an entry keeps the bits of its
   * key's hash that place it, so that growing reads 8 bytes per key instead of its slot. Filling a
   * block to a million cells, its last growth (629,145 keys) took 25 ms of one miss, against 150 ms
   * when it read the slots. Returns {@code false}, having changed nothing, if the entries are not as
   * many as the header records: the caller then rebuilds from the slots.
   */
  private boolean grow(long expected) throws IOException {
    long count = Mappings.readAcquire(map, K_COUNT);
    long capacity = capacity();
    if (count < 0 || count >= capacity) return false;
    long[] entries = new long[(int) count];
    int n = 0;
    for (long i = 0; i < capacity; i++) {
      long e = at(i);
      if (e == 0) continue;
      if (n == entries.length) return false;
      entries[n++] = e;
    }
    if (n != count) return false;
    long grown = capacityFor(expected);
    rewriteEmpty(grown);
    for (long e : entries) {
      long i = home(e, grown);
      while (at(i) != 0) i = (i + 1) & (grown - 1); // one entry per slot: none to replace
      set(i, e);
    }
    LONGS.setVolatile(map, K_COUNT, count);
    return true;
  }

  /** Puts an entry; returns whether it is new (false: the key's entry now names {@code slot}). */
  private boolean put(long keyHi, long keyLo, long slot, SlotTable table) throws IOException {
    long capacity = capacity();
    for (long i = home(keyHi, capacity); ; i = (i + 1) & (capacity - 1)) {
      long e = at(i);
      if (e == 0) {
        set(i, entry(keyHi, slot));
        return true;
      }
      long other = (e & 0xFFFFFFFFL) - 1;
      if ((e & 0xFFFFFFFF00000000L) == (keyHi & 0xFFFFFFFF00000000L)
          && (other == slot || table.get(other, SlotTable.S_KEY_HI) == keyHi
          && table.get(other, SlotTable.S_KEY_LO) == keyLo)) {
        set(i, entry(keyHi, slot));
        return false;
      }
    }
  }

  /** Forgets the entry naming {@code slot}, shifting the entries after it back (admin lock held). */
  void removed(long keyHi, long slot, long mods) {
    long capacity = capacity();
    long target = entry(keyHi, slot);
    long i = home(keyHi, capacity);
    for (long n = 0; ; i = (i + 1) & (capacity - 1), n++) {
      long e = at(i);
      if (e == 0 || n >= capacity) {
        LONGS.setVolatile(map, K_MODS, mods); // not there: nothing to forget
        return;
      }
      if (e == target) break;
    }
    // Backward-shift deletion: move later entries of the run into the hole when their home allows.
    long hole = i;
    for (long j = (hole + 1) & (capacity - 1); ; j = (j + 1) & (capacity - 1)) {
      long e = at(j);
      if (e == 0) break;
      long home = home(e, capacity); // the entry's high bits are the key hash's: the same home
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        set(hole, e);
        hole = j;
      }
    }
    set(hole, 0);
    LONGS.setVolatile(map, K_COUNT, Mappings.readAcquire(map, K_COUNT) - 1);
    LONGS.setVolatile(map, K_MODS, mods);
  }

  /** Forgets every entry (admin lock held), whatever state the file was in. */
  void cleared(long mods) throws IOException {
    rewriteEmpty(MIN_CAPACITY);
    LONGS.setVolatile(map, K_MODS, mods);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
