package io.memokit.storage.directory;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntFunction;

/**
 * A read-only mapping of the newest generation of a block's values log that this process reads, so
 * that a first hit copies its record from memory instead of making a positional read, a system call
 * (about a microsecond for a small record; see {@code docs/benchmarks.md}). {@link ValuesLog#read}
 * asks it first and reads with {@code pread} whenever it answers {@code null}.
 *
 * <p>Design:
 * <ul>
 *   <li>One window: the newest generation read, mapped from its start to the file's size at mapping
 *   time, at most {@value #MAX_WINDOW} bytes. Records of an older generation (a location read
 *   before a compaction, or the compaction's own copying) are not mapped: {@code pread} reads them.
 *   <li>A record past the window's end (appended since) is read with {@code pread} until the log has
 *   grown past the window by a quarter of it and at least {@value #MIN_GROWTH} bytes; the window is
 *   then mapped again. So a log that grows by a record at a time is not mapped again at each.
 *   <li>Never past the file's end: the file is mapped through a channel opened read-only, which
 *   cannot extend it (a read-write channel would), at the size that channel finds.
 *   <li>A window replaced, or dropped ({@link #drop}), is unmapped as soon as no read is copying
 *   from it, and no read starts copying from it after that: the mapping holds one reference to the
 *   window while it is current, each copy holds one while it copies, and the last to give its
 *   reference back unmaps ({@link ReferenceCount}: a copy that finds the count at zero reads with
 *   {@code pread}). A compacted generation's disk space is therefore given back when this process
 *   moves to the next, as closing its channel did, not when the collector happens to find the
 *   buffer. Unmapping uses {@code sun.misc.Unsafe}'s {@code invokeCleaner} (module {@code
 *   jdk.unsupported}, no warning on any JDK from 17 on); where it is not available a retired window
 *   is left to the collector.
 *   <li>A generation's file only grows: memokit never shortens one. Cut short under a window (by
 *   damage or by hand), a copy from a page past its new end faults, and the JVM raises an
 *   {@code InternalError}: at the copy, which then drops the window and answers {@code null}; or, in
 *   compiled code, a little after it, which the block's reads catch as damage ({@link
 *   BlockFiles#isDamageFault}), dropping the window there. The copy's bytes are never trusted as
 *   they are: the caller verifies every record (checksum, key, cell id), as it does one read with
 *   {@code pread}.
 * </ul>
 */
final class LogMapping {

  /** The largest window: a buffer's index is an int. */
  static final int MAX_WINDOW = Integer.MAX_VALUE;
  /** The least growth past the window for which it is mapped again. */
  static final int MIN_GROWTH = 64 * 1024;

  private final IntFunction<Path> files;
  private volatile Window newest;

  /** {@code files} names each generation's file. */
  LogMapping(IntFunction<Path> files) {
    this.files = files;
  }

  /**
   * The {@code length} bytes at {@code offset} of generation {@code generation}'s file, copied from
   * the mapping, or {@code null} if the mapping does not hold them (an older generation, a record
   * appended since the mapping, a file gone or cut short).
   */
  byte[] copy(int generation, long offset, int length) {
    Window w = newest;
    long end = offset + length;
    if (w == null || generation > w.generation || generation == w.generation && end > w.size && grewEnough(w, end)) {
      w = map(generation, end);
    }
    if (w == null || w.generation != generation || end > w.size) return null;
    byte[] bytes = new byte[length];
    try {
      return w.copy((int) offset, bytes) ? bytes : null;
    } catch (InternalError fault) {
      // The file is shorter than the window (cut short under it): this window is of no more use.
      dropIfCurrent(w);
      return null;
    }
  }

  private static boolean grewEnough(Window w, long end) {
    return w.size < MAX_WINDOW && end - w.size >= Math.max(w.size / 4, MIN_GROWTH);
  }

  /**
   * Maps generation {@code generation} if it is not older than the window and the window (another
   * thread's, meanwhile) does not hold its first {@code end} bytes; returns the window.
   */
  private synchronized Window map(int generation, long end) {
    Window w = newest;
    if (w != null && (generation < w.generation || generation == w.generation && end <= w.size)) return w;
    Path file = files.apply(generation);
    MappedByteBuffer map;
    try {
      map = Uninterruptibly.call(() -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          long size = Math.min(ch.size(), MAX_WINDOW);
          return size == 0 ? null : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
      });
    } catch (IOException | RuntimeException unmappable) {
      return w; // gone or unmappable: read with pread, which reports what is wrong
    }
    if (map == null) return w;
    if (w != null && w.generation == generation && map.capacity() <= w.size) {
      release(map);
      return w;
    }
    Window fresh = new Window(generation, map);
    newest = fresh;
    if (w != null) w.retire();
    return fresh;
  }

  /** Drops the window if it still is {@code w}, retiring it. */
  private synchronized void dropIfCurrent(Window w) {
    if (newest == w) {
      newest = null;
      w.retire();
    }
  }

  /** Drops the window unless it maps generation {@code kept}: the others' files are being deleted. */
  synchronized void dropAllBut(int kept) {
    Window w = newest;
    if (w != null && w.generation != kept) dropIfCurrent(w);
  }

  /** Drops the window (the files are closed or replaced). */
  synchronized void drop() {
    Window w = newest;
    if (w != null) dropIfCurrent(w);
  }

  /** The window's generation and size, for tests: {@code {-1, 0}} if there is none. */
  long[] window() {
    Window w = newest;
    return w == null ? new long[] {-1, 0} : new long[] {w.generation, w.size};
  }

  /** Whether a retired window is unmapped at once (else the collector unmaps it). */
  static boolean unmapsAtOnce() {
    return Unmapper.INVOKE_CLEANER != null;
  }

  /** One mapping of one generation, and the reads copying from it. */
  private static final class Window {
    final int generation;
    final MappedByteBuffer map;
    final long size;
    /** The mapping's reference (given back when the window is retired) and one per copy. */
    private final ReferenceCount references;

    Window(int generation, MappedByteBuffer map) {
      this.generation = generation;
      this.map = map;
      this.size = map.capacity();
      this.references = new ReferenceCount(() -> release(map));
    }

    /** Copies {@code into.length} bytes from {@code at}; {@code false} if the window is (being) unmapped. */
    boolean copy(int at, byte[] into) {
      if (!references.tryRetain()) return false;
      try {
        map.get(at, into);
        return true;
      } finally {
        references.release();
      }
    }

    /** Called once, when the window stops being the mapping's: unmapped after its last copy. */
    void retire() {
      references.release();
    }
  }

  private static void release(ByteBuffer map) {
    MethodHandle unmap = Unmapper.INVOKE_CLEANER;
    if (unmap == null) return;
    try {
      unmap.invokeExact(map);
    } catch (Throwable e) {
      // not unmapped now: the collector unmaps it
    }
  }

  /**
   * {@code sun.misc.Unsafe.invokeCleaner}, bound, or {@code null} where it is not available: looked
   * up at the first unmapping, not at the first read, which a new JVM's first call makes.
   */
  private static final class Unmapper {
    static final MethodHandle INVOKE_CLEANER = find();

    private static MethodHandle find() {
      try {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        return MethodHandles.lookup()
            .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
            .bindTo(theUnsafe.get(null));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}
