package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Every repair of one block, in one place: what a process killed mid-change, a damaged file or a
 * truncated mapping left is found here and put right (see the change bracket and the faults in
 * {@link io.memokit.storage.directory the package's design note}). A record found on disk goes
 * back into the index through one step, {@link #index}, whatever found it: an index rebuild, a
 * slot left half-written, a pending slot whose process died after publishing its file, a hit on a
 * cell whose slot was lost, or {@link BlockVerifier}'s check.
 */
final class BlockRepair {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;

  BlockRepair(BlockFiles files) {
    this.files = files;
  }

  private long now() {
    return files.store().settings().clockMillis().getAsLong();
  }

  // ---- the one adopt/finish step ---------------------------------------------------------------

  /**
   * Puts the whole record {@code c}, found at {@code location}, into the index {@code t} (admin lock
   * held): finishes {@code pending}, the cell's own pending slot, when there is one; otherwise adopts
   * the record into a new slot (its slot was lost: the index was rebuilt, or the slot was damaged or
   * left half-written). Returns the slot.
   */
  static long index(SlotTable t, CellFile.Stored c, long location, SlotTable.Slot pending, long now)
      throws IOException {
    long state = c.isError() ? SlotTable.ERROR : SlotTable.VALUE;
    long size = c.isError() ? -c.fileSize() : c.fileSize();
    if (pending != null) {
      t.finish(pending, state, size, c.meta().cpuNanos(), c.meta().wallNanos(), now, location);
      return pending.index();
    }
    return t.adopt(c.meta().id(), c.keyHi(), c.keyLo(), state, size, c.meta().created(), c.meta().cpuNanos(),
        c.meta().wallNanos(), now, location);
  }

  /** The whole cell file of the key with this hash, or {@code null} if there is none (absent, torn, damaged). */
  private CellFile.Stored wholeFile(long keyHi, long keyLo) throws IOException {
    Path file = files.cellPath(keyHi, keyLo);
    try {
      return CellFile.parse(file, Files.readAllBytes(file));
    } catch (NoSuchFileException | CorruptFileException | NewerFormatException noWholeFile) {
      return null;
    }
  }

  // ---- the admin section's entry ---------------------------------------------------------------

  /**
   * Brings the index and its key directory to a sound state (admin lock held): an index whose
   * header is damaged is rebuilt from the records; a key directory out of step (a process was
   * killed in the middle of a change) is rebuilt, and what that process left is repaired.
   */
  void bringInStep(long indexSize) throws IOException {
    try {
      files.table().validate(indexSize);
    } catch (CorruptFileException | InternalError e) {
      LOG.log(e instanceof OlderFormatException ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
          "memokit: " + e.getMessage() + "; rebuilding the index of " + files.id().label() + " from its records");
      rebuildIndex();
    }
    if (files.keys().syncWith(files.table())) {
      repairStranded();
      recount();
    }
  }

  /**
   * Recounts the live cells and their bytes from the slots (admin lock held): heals counts left
   * wrong by a process killed mid-update (found by the key directory being out of step).
   */
  void recount() throws IOException {
    SlotTable t = files.table();
    long live = 0;
    long bytes = 0;
    long used = t.used();
    for (long i = 0; i < used; i++) {
      SlotTable.Slot s = t.read(i);
      if (s == null || s.isCorrupt()) continue;
      live++;
      if (s.isFinished()) bytes += Math.abs(s.size());
    }
    t.setLive(live);
    t.setBytes(bytes);
  }

  // ---- index rebuild from the records ----------------------------------------------------------

  /**
   * Rebuilds the index from the cell files and the values log (admin lock held): used when the
   * index is missing, of an earlier format, or its header is corrupted. Statistics restart; every
   * valid record is registered again, the latest cell of a key when the log holds several (a
   * freed cell's record stays in the log until it is compacted: such a cell comes back, whole).
   */
  void rebuildIndex() throws IOException {
    // In place, in the same file: every process mapping it sees the rebuilt table at once.
    SlotTable t = files.table();
    ValuesLog log = files.log();
    int maxsize = t.maxsizeIfSound(files.store().settings().maxsize());
    t.reinitialize(maxsize);
    long now = now();
    java.util.Map<CellRef, Found> latest = new java.util.HashMap<>();
    int removed = 0;
    String firstRemoved = null;
    try (DirectoryStream<Path> cellFiles = Files.newDirectoryStream(files.cellsDirectory(), "*.cell")) {
      for (Path f : cellFiles) {
        try {
          CellFile.Stored s = CellFile.parse(f, Files.readAllBytes(f));
          latest.merge(new CellRef(s.keyHi(), s.keyLo()), new Found(s, ValuesLog.IN_OWN_FILE, f), Found::later);
        } catch (CorruptFileException | NewerFormatException e) {
          if (removed++ == 0) firstRemoved = e.getMessage();
          Files.deleteIfExists(f);
        }
      }
    }
    if (removed > 0) {
      LOG.log(System.Logger.Level.WARNING, "memokit: removed " + removed + " damaged cell file" + (removed > 1 ? "s" : "")
          + " of " + files.id().label() + " (their cells are computed again when called); the first: " + firstRemoved);
    }
    long logBytes = 0;
    int generation = 0;
    for (int g : log.generations()) {
      logBytes += log.size(g);
      generation = g;
      log.scan(g, (location, s) ->
          latest.merge(new CellRef(s.keyHi(), s.keyLo()), new Found(s, location, null), Found::later));
    }
    long liveLogBytes = 0;
    for (Found f : latest.values()) {
      index(t, f.stored(), f.location(), null, now);
      if (ValuesLog.isLogged(f.location())) liveLogBytes += f.stored().fileSize();
    }
    t.setLogGeneration(generation);
    t.setLogEnd(log.size(generation));
    t.setDeadBytes(Math.max(0, logBytes - liveLogBytes));
    LOG.log(System.Logger.Level.INFO, "memokit: rebuilt the index of " + files.id().label() + " with " + latest.size()
        + " cells (statistics restart; maxsize " + maxsize + ")");
  }

  private record CellRef(long keyHi, long keyLo) {}

  /** A record found while rebuilding: the cell, where it is, and its own file if it has one. */
  private record Found(CellFile.Stored stored, long location, Path file) {
    /** The later of two records of one key (the higher cell id); the other's own file goes. */
    static Found later(Found a, Found b) {
      Found keep = a.stored().meta().id() >= b.stored().meta().id() ? a : b;
      Found drop = keep == a ? b : a;
      if (drop.file() != null && !drop.file().equals(keep.file())) {
        try {
          Files.deleteIfExists(drop.file());
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "memokit: cannot remove " + drop.file() + ": " + e);
        }
      }
      return keep;
    }
  }

  /**
   * Rebuilds the index from the records if a slot is damaged (a damaged slot no longer says where
   * its cell's record is; the records do). Returns whether it did.
   */
  boolean rebuildIfDamaged() throws IOException {
    return files.withAdmin(() -> {
      SlotTable t = files.table();
      for (long i = 0, used = t.used(); i < used; i++) {
        SlotTable.Slot s = t.read(i);
        if (s != null && s.isCorrupt()) {
          LOG.log(System.Logger.Level.WARNING, "memokit: slot " + i + " of the index of " + files.id().label()
              + " is damaged; rebuilding the index from its records");
          rebuildIndex();
          return true;
        }
      }
      return false;
    });
  }

  /** {@link #rebuildIfDamaged}, for a lock-free read: a failure is logged and answered {@code false}. */
  boolean rebuildIfDamagedQuietly() {
    try {
      return rebuildIfDamaged();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot rebuild the index of " + files.id().label() + ": " + e);
      return false;
    }
  }

  /** Whether {@code e} is the JVM's report of a fault reading a mapped file (a file truncated under its mapping). */
  static boolean isMappedFileFault(Throwable e) {
    return e instanceof InternalError && String.valueOf(e.getMessage()).contains("unsafe memory access");
  }

  /** Checks (and rebuilds if needed) the index after a fault reading its mapping. */
  void repairAfterFault(InternalError fault) {
    LOG.log(System.Logger.Level.WARNING, "memokit: reading the index of " + files.id().label() + " faulted (" + fault.getMessage()
        + "): it was truncated under this process; checking and rebuilding it");
    files.store().counters().repair();
    try {
      files.withAdmin(() -> null); // validates the header and file size, rebuilding if needed
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot repair the index of " + files.id().label() + ": " + e);
    }
  }

  // ---- slots a killed process left -------------------------------------------------------------

  /**
   * Repairs the slots a process killed while writing them left half-written (admin lock held):
   * each goes back on the free list, and a cell whose file it had published is indexed again.
   * Returns how many there were.
   */
  int repairStranded() throws IOException {
    SlotTable table = files.table();
    java.util.BitSet stranded = table.stranded();
    if (stranded.isEmpty()) return 0;
    long now = now();
    for (int i = stranded.nextSetBit(0); i >= 0; i = stranded.nextSetBit(i + 1)) {
      long keyHi = table.get(i, SlotTable.S_KEY_HI);
      long keyLo = table.get(i, SlotTable.S_KEY_LO);
      table.freeStranded(i, keyHi);
      LOG.log(System.Logger.Level.WARNING, "memokit: slot " + i + " of the index of " + files.id().label()
          + " was left half-written by a process that died; freed");
      // Without a whole file, nothing was published for it (a log record it named is dead space now).
      CellFile.Stored c = wholeFile(keyHi, keyLo);
      if (c != null && c.keyHi() == keyHi && c.keyLo() == keyLo && table.find(keyHi, keyLo) < 0) {
        index(table, c, ValuesLog.IN_OWN_FILE, null, now);
      }
    }
    recount();
    return stranded.cardinality();
  }

  /** {@link #repairStranded} in its own admin section, for a lock-free read: a failure is logged. */
  void repairStrandedQuietly() {
    try {
      files.withAdmin(this::repairStranded);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot repair the index of " + files.id().label() + ": " + e);
    }
  }

  /**
   * Finishes a pending slot whose cell file is in place, whole and of this cell (admin lock held).
   * A process publishes the file and finishes the slot in one admin section: a file found with a
   * slot still pending was left by a process that died between the two.
   */
  boolean finishFromFile(SlotTable.Slot pending) throws IOException {
    CellFile.Stored c = wholeFile(pending.keyHi(), pending.keyLo());
    if (c == null) return false;
    if (c.meta().id() != pending.id() || c.keyHi() != pending.keyHi() || c.keyLo() != pending.keyLo()) return false;
    index(files.table(), c, ValuesLog.IN_OWN_FILE, pending, now());
    LOG.log(System.Logger.Level.INFO, "memokit: finished cell " + pending.id() + " of " + files.id().label()
        + ", whose process died right after storing it");
    return true;
  }

  /**
   * Finishes {@code pending} from its published file if that is what a dead process left (admin lock
   * taken). Such a file is rare: it is looked for first without the lock, which a waiter polling a
   * cell in progress would otherwise take at each poll.
   */
  boolean finishedFromFile(SlotTable.Slot pending) {
    if (!Files.exists(files.cellPath(pending.keyHi(), pending.keyLo()))) return false;
    try {
      return files.withAdmin(() -> {
        SlotTable.Slot s = files.table().read(pending.index());
        return s != null && s.state() == SlotTable.PENDING && s.id() == pending.id() && finishFromFile(s);
      });
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Frees a pending slot whose cell lock is free: its process died and nobody took it over. If that
   * process died after renaming the cell's whole file into place, the slot is finished instead.
   */
  boolean reclaimIfOrphan(SlotTable.Slot s) throws IOException {
    FileLock l = files.tryLockAt(BlockFiles.lockPosition(s.keyHi()));
    if (l == null) return false;
    try {
      SlotTable.Slot again = files.table().read(s.index());
      if (again != null && again.state() == SlotTable.PENDING && again.id() == s.id()) {
        if (finishFromFile(again)) return true;
        files.table().free(s.index());
        LOG.log(System.Logger.Level.INFO, "memokit: reclaimed cell " + s.id() + " of " + files.id().label()
            + ", left in progress by a process that died");
        return true;
      }
      return false;
    } finally {
      Uninterruptibly.call(() -> {
        l.release();
        return null;
      });
    }
  }

  /** Whether a pending slot's cell lock is free (its process died), without changing anything. */
  boolean isOrphan(SlotTable.Slot s) throws IOException {
    FileLock l = files.tryLockAt(BlockFiles.lockPosition(s.keyHi()));
    if (l == null) return false;
    Uninterruptibly.call(() -> {
      l.release();
      return null;
    });
    return true;
  }

  /** Frees pending cells whose computing process died with nobody waiting. Returns how many. */
  int reclaimOrphans() {
    try {
      return files.withAdmin(() -> {
        int reclaimed = 0;
        long used = files.table().used();
        for (long i = 0; i < used; i++) {
          SlotTable.Slot s = files.table().read(i);
          if (s != null && s.state() == SlotTable.PENDING && reclaimIfOrphan(s)) reclaimed++;
        }
        return reclaimed;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot reclaim cells of " + files.id().label() + ": " + e);
      return 0;
    }
  }

  // ---- damaged slots and cells -----------------------------------------------------------------

  /**
   * Indexes again a cell read whole whose slot the index lost (admin lock held): it may have been
   * damaged; a damaged slot is dropped here, so the cell is indexed once. Returns its slot.
   */
  long reindex(CellFile.Stored c, long location, long now) throws IOException {
    freeDamagedSlots();
    return index(files.table(), c, location, null, now);
  }

  /** Frees the slots whose check word is wrong (admin lock held). */
  private void freeDamagedSlots() throws IOException {
    SlotTable t = files.table();
    long used = t.used();
    boolean freed = false;
    for (long i = 0; i < used; i++) {
      SlotTable.Slot slot = t.read(i);
      if (slot != null && slot.isCorrupt()) {
        LOG.log(System.Logger.Level.WARNING, "memokit: slot " + i + " of the index of " + files.id().label()
            + " was damaged; freed");
        t.free(i);
        freed = true;
      }
    }
    if (freed) recount(); // a damaged slot's size may be wrong: count the others again
  }

  /**
   * Removes a damaged cell (admin lock held): its file, if it is still damaged (a process may have
   * stored the cell anew since), and the slots of its key, so that the recomputed cell has one.
   */
  void removeDamaged(CellKey key, Path file) {
    try {
      files.withAdmin(() -> {
        try {
          CellFile.parse(file, Files.readAllBytes(file));
          return null; // replaced by a whole cell meanwhile
        } catch (CorruptFileException | NewerFormatException stillDamaged) {
          if (stillDamaged instanceof CorruptFileException) Files.deleteIfExists(file);
        } catch (NoSuchFileException gone) {
          // removed meanwhile: free its slots below
        }
        long slot;
        while ((slot = CellReads.findSlot(files, key.hashHi(), key.hashLo(), true)) >= 0) files.table().free(slot);
        return null;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot update " + files.indexFile() + ": " + e);
    }
  }

  /** Frees the slot of a damaged record if it still names it (admin lock taken here), so the cell is recomputed. */
  void removeDamaged(SlotTable.Slot damaged) {
    try {
      files.withAdmin(() -> {
        SlotTable.Slot s = files.table().read(damaged.index());
        if (s != null && !s.isCorrupt() && s.id() == damaged.id() && s.location() == damaged.location()) {
          files.table().free(s.index());
        }
        return null;
      });
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot update " + files.indexFile() + ": " + e);
    }
  }
}
