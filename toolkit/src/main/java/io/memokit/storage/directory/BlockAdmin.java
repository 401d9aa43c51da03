package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The management of one block, each change in an admin section: maxsize and the eviction policies
 * (the exact least recently hit cells of a block up to {@value #EXACT_LRU_MAXSIZE} cells, a sampled
 * approximation above it, and the store's byte limit across blocks), clearing, and removing a
 * finished cell's record.
 */
final class BlockAdmin {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;

  BlockAdmin(BlockFiles files) {
    this.files = files;
  }

  /**
   * Makes room for a new cell in a full block (admin lock held) by evicting the {@code needed} least
   * recently hit cells: exactly in a block up to {@value #EXACT_LRU_MAXSIZE} cells, by sampling in a
   * larger one. Returns how many were evicted.
   */
  int makeRoom(int needed, int maxsize) throws IOException {
    return maxsize <= EXACT_LRU_MAXSIZE ? evict(needed + overflowBatch(maxsize)) : evictSampled(needed);
  }

  /**
   * Evicting one cell per miss in a full block would rescan the index on every miss; above 64 cells,
   * an overflow evicts 1/64 of maxsize more, so a scan serves that many misses.
   */
  private static int overflowBatch(int maxsize) {
    return maxsize >= 64 ? maxsize / 64 : 0;
  }

  /**
   * Removes a finished cell's record, then frees its slot (admin lock held): deletes its own file;
   * a record in the values log becomes dead space there, counted for compaction.
   */
  void discard(SlotTable.Slot s) throws IOException {
    if (!ValuesLog.isLogged(s.location())) Files.deleteIfExists(files.cellPath(s.keyHi(), s.keyLo()));
    files.table().free(s.index());
  }

  /** A finished cell that the store's byte limit may evict: where it is and when it was last hit. */
  record Candidate(BlockAdmin block, long slot, long cellId, long keyHi, long keyLo, long lastHit) {}

  /**
   * Adds this block's finished cells to {@code out} (read without a lock: each is checked again
   * before it is evicted) and returns their bytes, recording that count in the index (a heal).
   */
  long evictionCandidates(List<Candidate> out) {
    long bytes = 0;
    try {
      files.ensureCurrent();
      SlotTable t = files.table();
      long used = t.used();
      for (long i = 0; i < used; i++) {
        SlotTable.Slot s = t.read(i);
        if (s == null || !s.isFinished()) continue;
        bytes += Math.abs(s.size());
        out.add(new Candidate(this, i, s.id(), s.keyHi(), s.keyLo(), s.lastHit()));
      }
      t.setBytes(bytes);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read the index of " + files.id().label() + ": " + e);
    }
    return bytes;
  }

  /** Evicts a candidate if its slot still holds it (admin lock taken here); returns the bytes freed, 0 if not. */
  long evictIfStillHeld(Candidate c) {
    try {
      return files.withAdmin(() -> {
        SlotTable.Slot s = files.table().read(c.slot());
        if (s == null || !s.isFinished() || s.id() != c.cellId() || s.keyHi() != c.keyHi() || s.keyLo() != c.keyLo()) {
          return 0L;
        }
        discard(s);
        return Math.abs(s.size());
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot evict cell " + c.cellId() + " of " + files.id().label() + ": " + e);
      return 0;
    }
  }

  /** Empties the index in place (admin lock held): every process mapping it forgets the block's cells. */
  void retire() throws IOException {
    files.withAdmin(() -> {
      files.table().reset();
      return null;
    });
  }

  /** Blocks up to this maxsize evict the exact least recently hit cells; larger ones sample. */
  static final int EXACT_LRU_MAXSIZE = 4096;
  /** Cells sampled per eviction in a large block. */
  private static final int EVICTION_SAMPLE = 32;

  /**
   * Evicts {@code n} cells of a large block (admin lock held), each the least recently hit of
   * {@value #EVICTION_SAMPLE} finished cells drawn at random: an approximate LRU (as Redis evicts)
   * whose cost does not grow with the block, as a scan of every slot would. Falls back to
   * the exact scan when the samples find too few finished cells.
   */
  private int evictSampled(int n) throws IOException {
    SlotTable t = files.table();
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    int evicted = 0;
    for (int k = 0; k < n; k++) {
      long used = t.used();
      SlotTable.Slot oldest = null;
      for (int tries = 0, found = 0; tries < 4 * EVICTION_SAMPLE && found < EVICTION_SAMPLE; tries++) {
        SlotTable.Slot s = t.read(random.nextLong(used));
        if (s == null || s.state() == SlotTable.PENDING) continue;
        if (s.isCorrupt()) {
          t.free(s.index());
          files.repair().recount(); // a damaged slot's size may be wrong: count the others again
          continue;
        }
        found++;
        if (oldest == null || s.lastHit() < oldest.lastHit()) oldest = s;
      }
      if (oldest == null) return evicted + evict(n - k);
      discard(oldest);
      evicted++;
    }
    return evicted;
  }

  /**
   * Evicts the {@code n} least recently hit finished cells (admin lock held); never a pending cell.
   * Also reclaims pending cells whose computing process died without a waiter. Returns the count.
   */
  private int evict(int n) throws IOException {
    long used = files.table().used();
    long[] order = new long[(int) used];
    int candidates = 0;
    int pendingCount = 0;
    long finishedBytes = 0;
    for (long i = 0; i < used; i++) {
      SlotTable.Slot s = files.table().read(i);
      if (s == null) continue;
      if (s.isCorrupt()) {
        files.table().free(i);
        continue;
      }
      if (s.state() == SlotTable.PENDING) {
        if (!files.repair().reclaimIfOrphan(s)) {
          pendingCount++;
          continue;
        }
        s = files.table().read(i); // freed, or finished from the file its process published before it died
      }
      if (s != null && s.isFinished()) {
        // lastHit in milliseconds fits 40 bits until year 2318; the slot index takes the low 23.
        order[candidates++] = (s.lastHit() << 23) | i;
        finishedBytes += Math.abs(s.size());
      }
    }
    files.table().setLive(candidates + pendingCount); // heals a count left wrong by a process killed mid-update
    files.table().setBytes(finishedBytes);
    Arrays.sort(order, 0, candidates);
    int evicted = 0;
    for (int k = 0; k < candidates && evicted < n; k++) {
      long slot = order[k] & ((1L << 23) - 1);
      SlotTable.Slot s = files.table().read(slot);
      if (s == null || !s.isFinished()) continue;
      discard(s);
      evicted++;
    }
    return evicted;
  }

  /** Frees every slot and deletes every cell file, then restarts the values log, in one admin section. */
  int clear() throws IOException {
    return files.withAdmin(() -> {
      int removed = removeCells(s -> true);
      // Files whose slots were lost (corruption) go too: clear means empty.
      try (DirectoryStream<Path> cellFiles = Files.newDirectoryStream(files.cellsDirectory(), "*.cell")) {
        for (Path f : cellFiles) Files.deleteIfExists(f);
      }
      files.table().reset();
      files.log().restart(files.table());
      return removed;
    });
  }

  int clearErrors() throws IOException {
    return files.withAdmin(() -> removeCells(s -> s.state() == SlotTable.ERROR));
  }

  /** Removes the finished cell of key hash {@code hi}, {@code lo}, if any, in one admin section. */
  boolean remove(long hi, long lo) throws IOException {
    return files.withAdmin(() -> {
      long slot = CellReads.findSlot(files, hi, lo, true);
      if (slot < 0) return false;
      SlotTable.Slot s = files.table().read(slot);
      if (s == null || !s.isFinished()) return false;
      discard(s);
      return true;
    });
  }

  /** Removes the finished cells of these numbers, in one admin section; returns how many. */
  int removeCells(java.util.Set<Long> cellIds) throws IOException {
    return files.withAdmin(() -> removeCells(s -> cellIds.contains(s.id())));
  }

  /** Deletes the files of the finished cells {@code which} selects and frees their slots (admin lock held). */
  private int removeCells(java.util.function.Predicate<SlotTable.Slot> which) throws IOException {
    int removed = 0;
    long used = files.table().used();
    for (long i = 0; i < used; i++) {
      SlotTable.Slot s = files.table().read(i);
      if (s != null && s.isFinished() && which.test(s)) {
        discard(s);
        removed++;
      }
    }
    return removed;
  }

  /** Records the maxsize in the index and evicts beyond it, in one admin section. */
  int resize(int maxsize) throws IOException {
    return files.withAdmin(() -> {
      files.table().setMaxsize(maxsize);
      long live = files.table().live();
      return live > maxsize ? evict((int) (live - maxsize)) : 0;
    });
  }

  int maxsize() {
    return files.table().maxsize();
  }
}
