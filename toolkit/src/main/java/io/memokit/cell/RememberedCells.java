package io.memokit.cell;

import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The remembered cells of one block, found by their key: an open-addressing table (linear probing)
 * of the cells themselves, each its own key, so that a lookup reads the table's slot and then the
 * cell, with no node between them (at 100k cells each is a cache miss).
 *
 * <p>Lookups take no lock and may run while the table changes. A slot changes from empty to a cell,
 * from a cell to {@link #REMOVED} or to another cell of the same key, and from {@code REMOVED} to a
 * cell; never back to empty. So a lookup always reaches an empty slot, and it returns a cell equal
 * to what it looks up or nothing: it may miss a cell being added or find one being removed (as a
 * lookup just before or after the change would), never a cell of another key. A lookup reads a
 * slot with acquire and a change writes it with release (each a plain access and a fence). Changes
 * are made under the table's lock; growing, or sweeping the removed slots, builds a new array and
 * publishes it whole, and the former one is never written again. At most three quarters of the
 * slots are used (cells and removed), at most half after a rebuild.
 */
final class RememberedCells {

  /** A removed cell's slot: a lookup goes on past it, an insertion may take it. */
  private static final Object REMOVED = new Object();
  private static final int MIN_CAPACITY = 16;

  private volatile Object[] slots = new Object[MIN_CAPACITY];
  /** Cells in {@link #slots}; written under the lock. */
  private volatile int size;
  /** Slots not empty (cells and removed ones); under the lock. */
  private int used;

  /** The cell equal to {@code lookup} (a CellKey, or a probe equal to one), or {@code null}. */
  CellMemory.Remembered get(Object lookup) {
    Object[] t = slots;
    int mask = t.length - 1;
    for (int i = spread(lookup.hashCode()) & mask; ; i = (i + 1) & mask) {
      Object o = t[i];
      VarHandle.acquireFence(); // with the plain read above, an acquire read of the slot
      if (o == null) return null;
      if (o != REMOVED && lookup.equals(o)) return (CellMemory.Remembered) o;
    }
  }

  int size() {
    return size;
  }

  /** Puts {@code cell} in place of the cell of its key; returns that one, or {@code null}. */
  synchronized CellMemory.Remembered put(CellMemory.Remembered cell) {
    Object[] t = slots;
    int mask = t.length - 1;
    int free = -1;
    int i = spread(cell.hashCode()) & mask;
    for (Object o; (o = t[i]) != null; i = (i + 1) & mask) {
      if (o == REMOVED) {
        if (free < 0) free = i;
      } else if (cell.equals(o)) {
        publish(t, i, cell);
        return (CellMemory.Remembered) o;
      }
    }
    if (free >= 0) {
      publish(t, free, cell);
    } else {
      publish(t, i, cell);
      used++;
    }
    size++;
    if (used > t.length - (t.length >> 2)) rebuild();
    return null;
  }

  /** Removes {@code cell} itself (not another cell of its key); returns whether it was there. */
  synchronized boolean remove(CellMemory.Remembered cell) {
    Object[] t = slots;
    int mask = t.length - 1;
    for (int i = spread(cell.hashCode()) & mask; ; i = (i + 1) & mask) {
      Object o = t[i];
      if (o == null) return false;
      if (o == cell) {
        publish(t, i, REMOVED);
        size--;
        return true;
      }
    }
  }

  /**
   * Removes up to {@code count} cells, in slot order (an order unrelated to their use), passing each
   * to {@code removed}.
   */
  synchronized void removeSome(int count, Consumer<CellMemory.Remembered> removed) {
    Object[] t = slots;
    for (int i = 0; i < t.length && count > 0; i++) {
      Object o = t[i];
      if (o != null && o != REMOVED) {
        publish(t, i, REMOVED);
        size--;
        count--;
        removed.accept((CellMemory.Remembered) o);
      }
    }
  }

  /** Removes every cell. */
  synchronized void clear() {
    slots = new Object[MIN_CAPACITY];
    size = 0;
    used = 0;
  }

  /** A new array for the cells alone, at most half full. */
  private void rebuild() {
    Object[] t = slots;
    int capacity = MIN_CAPACITY;
    while (capacity < 2 * size + 2) capacity <<= 1;
    Object[] n = new Object[capacity];
    int mask = capacity - 1;
    for (Object o : t) {
      if (o == null || o == REMOVED) continue;
      int i = spread(o.hashCode()) & mask;
      while (n[i] != null) i = (i + 1) & mask;
      n[i] = o;
    }
    used = size;
    slots = n; // published whole: its cells' fields are final, or volatile
  }

  /**
   * A release write of slot {@code i}: a fence, then a plain write. It is a {@code VarHandle}'s
   * {@code setRelease}, without the cost of a {@code VarHandle} call in code the JIT has not
   * compiled fully (as {@link #get} reads with a plain read and an acquire fence).
   */
  private static void publish(Object[] t, int i, Object o) {
    VarHandle.releaseFence();
    t[i] = o;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
