package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Compacts a block's values log in the background, so that no call waits for it: a miss that finds
 * the log more dead than live asks for a compaction and returns. One daemon thread per process
 * runs them; across processes, a byte-range lock of the block's lock file lets one compact at a
 * time. The admin lock is held only for short sections, so the calls of every process go on:
 * <ol>
 *   <li>without any lock, the live records of the current generation up to its end when the
 *       compaction began are copied into a new file, {@code values.compacting};</li>
 *   <li>under the admin lock, if the generation is unchanged, that file becomes the next
 *       generation, {@code values.N}, where new records now go;</li>
 *   <li>in admin sections of at most {@value #CHUNK} slots, each copied record's slot is moved to
 *       its copy if it still names the original; then every slot still naming an older generation
 *       (records appended during the copy) has its record appended to the new one and is moved;</li>
 *   <li>the older generations' files are deleted: no slot names them.</li>
 * </ol>
 * A process that dies on the way leaves a consistent block (each slot names a whole record in a
 * file that exists); the next compaction moves what is left. A clear or an index rebuild meanwhile
 * makes the compaction stop where it is.
 */
final class LogCompactor {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  /** Slots visited per admin section: a section lasts tens of microseconds. */
  static final int CHUNK = 1024;
  /** Above every cell lock ({@code 1 + (key hash >>> 2)} is at most 2^62): held by the process compacting. */
  private static final long COMPACTION_LOCK = (1L << 62) + 2;
  private static final String COPY = "values.compacting";

  /** One thread, which ends after a second without work: a process with no compaction to do keeps none. */
  private static final ExecutorService RUNNER = idleEnding();

  private static ExecutorService idleEnding() {
    java.util.concurrent.ThreadPoolExecutor e = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "memokit-log-compaction");
          t.setDaemon(true);
          return t;
        });
    e.allowCoreThreadTimeOut(true);
    return e;
  }
  private static final Set<BlockFiles> REQUESTED = ConcurrentHashMap.newKeySet();

  private LogCompactor() {}

  /** Asks for a compaction of {@code files}' log (admin lock held by the caller, who found it due); returns at once. */
  static void request(BlockFiles files) {
    if (!REQUESTED.add(files)) return; // already asked for and not yet run
    RUNNER.execute(() -> {
      try {
        compact(files);
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "memokit: cannot compact the values log in " + files.directory()
            + ": " + e + " (the block works on; the log keeps its dead records until a later compaction)");
      } finally {
        REQUESTED.remove(files);
      }
    });
  }

  /** Waits until the compactions asked for in this process have run (for a check, or a test): at most {@code millis}. */
  static void awaitIdle(long millis) {
    try {
      RUNNER.submit(() -> {}).get(millis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // not idle within the time: a check then sees a block in the middle of a compaction, which is consistent
    }
  }

  /** Compacts now, in this thread, if no other process does (for the background thread and tests). */
  static void compact(BlockFiles files) throws IOException {
    FileLock lock = files.tryLockAt(COMPACTION_LOCK);
    if (lock == null) return; // another process (or thread) compacts this block
    try {
      compactHoldingLock(files);
    } finally {
      Uninterruptibly.call(() -> {
        if (lock.isValid()) lock.release();
        return null;
      });
    }
  }

  private static void compactHoldingLock(BlockFiles files) throws IOException {
    ValuesLog log = files.log();
    long[] snapshot = files.withAdmin(() -> {
      SlotTable t = files.table();
      return log.worthCompacting(t) ? new long[] {t.logGeneration(), t.logEnd()} : null;
    });
    if (snapshot == null) return;
    int from = (int) snapshot[0];
    long end = snapshot[1];
    Path copy = files.directory().resolve(COPY);
    Moves moves = new Moves();
    long copied = copyLiveRecords(files, from, end, copy, moves);
    int to = files.withAdmin(() -> {
      SlotTable t = files.table();
      if (t.logGeneration() != from) return -1; // cleared or rebuilt meanwhile: this copy is of no use
      int next = log.newGeneration();
      Files.move(copy, log.file(next), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      t.setLogGeneration(next);
      t.setLogEnd(copied);
      t.setDeadBytes(0);
      return next;
    });
    if (to < 0) {
      Files.deleteIfExists(copy);
      return;
    }
    for (int k = 0; k < moves.count; ) {
      int first = k;
      Boolean going = files.withAdmin(() -> {
        SlotTable t = files.table();
        if (t.logGeneration() != to) return false;
        for (int m = first; m < Math.min(moves.count, first + CHUNK); m++) {
          SlotTable.Slot s = t.read(moves.slot[m]);
          if (s != null && !s.isCorrupt() && s.isFinished() && s.id() == moves.id[m] && s.location() == moves.from[m]) {
            t.relocate(s, ValuesLog.location(to, moves.to[m]));
          }
        }
        return true;
      });
      if (!going) return;
      k += CHUNK;
    }
    long[] dead = {0};
    for (long first = 0; ; first += CHUNK) {
      long start = first;
      Boolean more = files.withAdmin(() -> {
        SlotTable t = files.table();
        if (t.logGeneration() != to) return null;
        long used = t.used();
        for (long i = start; i < Math.min(used, start + CHUNK); i++) {
          SlotTable.Slot s = t.read(i);
          if (s == null || s.isCorrupt() || !s.isFinished() || !ValuesLog.isLogged(s.location())
              || ValuesLog.generationOf(s.location()) == to) {
            continue;
          }
          byte[] cell;
          try {
            cell = log.read(s.location(), (int) Math.abs(s.size()));
          } catch (CorruptFileException e) {
            cell = null;
          }
          if (cell == null) {
            LOG.log(System.Logger.Level.WARNING, "memokit: the record of cell " + s.id() + " in "
                + files.directory() + " is damaged or gone; the cell is dropped and will be recomputed");
            t.free(i);
            continue;
          }
          t.relocate(s, log.append(t, ValuesLog.record(new ByteBuffer[] {ByteBuffer.wrap(cell)}, cell.length)));
        }
        return start + CHUNK < used;
      });
      if (more == null) return;
      if (!more) break;
    }
    files.withAdmin(() -> {
      SlotTable t = files.table();
      if (t.logGeneration() != to) return null;
      log.deleteAllBut(to);
      return null;
    });
  }

  /** Where each copied record was and where its copy is. */
  private static final class Moves {
    long[] slot = new long[256];
    long[] id = new long[256];
    long[] from = new long[256];
    long[] to = new long[256];
    int count;

    void add(long s, long cellId, long source, long target) {
      if (count == slot.length) {
        slot = Arrays.copyOf(slot, count * 2);
        id = Arrays.copyOf(id, count * 2);
        from = Arrays.copyOf(from, count * 2);
        to = Arrays.copyOf(to, count * 2);
      }
      slot[count] = s;
      id[count] = cellId;
      from[count] = source;
      to[count] = target;
      count++;
    }
  }

  /**
   * Copies, without a lock, the records that slots name in generation {@code from} below
   * {@code end} into {@code copy}, each at the location it will have as generation-to-be's record
   * (the generation number is decided later, so the offsets are kept and made locations then).
   * Returns the bytes written. A record that reads damaged is left: its slot is dealt with later.
   */
  private static long copyLiveRecords(BlockFiles files, int from, long end, Path copy, Moves moves) throws IOException {
    SlotTable t = files.table();
    ValuesLog log = files.log();
    long written = 0;
    try (FileChannel out = log.openEmpty(copy)) {
      ByteBuffer batch = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      long used = t.used();
      for (long i = 0; i < used; i++) {
        SlotTable.Slot s = t.read(i);
        if (s == null || s.isCorrupt() || !s.isFinished() || !ValuesLog.isLogged(s.location())
            || ValuesLog.generationOf(s.location()) != from || ValuesLog.offsetOf(s.location()) >= end) {
          continue;
        }
        int length = (int) Math.abs(s.size());
        byte[] cell;
        try {
          cell = log.read(s.location(), length);
        } catch (CorruptFileException damaged) {
          continue;
        }
        if (cell == null) continue;
        if (batch.remaining() < ValuesLog.RECORD_HEADER + length) written += flush(out, batch, written);
        long at = written + batch.position();
        batch.put(ValuesLog.record(new ByteBuffer[] {ByteBuffer.wrap(cell)}, length));
        moves.add(i, s.id(), s.location(), at);
      }
      written += flush(out, batch, written);
    }
    return written;
  }

  private static long flush(FileChannel out, ByteBuffer batch, long at) throws IOException {
    batch.flip();
    int n = batch.remaining();
    Uninterruptibly.call(() -> {
      for (long pos = at; batch.hasRemaining(); ) pos += out.write(batch, pos);
      return null;
    });
    batch.clear();
    return n;
  }
}
