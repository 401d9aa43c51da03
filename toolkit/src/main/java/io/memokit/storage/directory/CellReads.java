package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.function.KeyText;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Provenance;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads of one block's finished cells, without a lock: a hit finds the cell's slot through the key
 * directory, reads the record the slot names (from the values log, {@link ValuesLog#read}, or the
 * cell's own file) and verifies its checksum, key and cell id; anything that changed under the read
 * makes it read again or miss, never return another cell's bytes. What a read finds damaged it
 * hands to {@link BlockRepair}.
 */
final class CellReads {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;

  CellReads(BlockFiles files) {
    this.files = files;
  }

  /** Where a finished cell's record is: {@code length} bytes from {@code start} of {@code file}. */
  record Region(Path file, long start, long length) {}

  /** The region of {@code key}'s finished record (its own file whole, or its place in the log), or {@code null}. */
  Region region(CellKey key) throws IOException {
    return files.withAdmin(() -> {
      long slot = findSlot(files, key.hashHi(), key.hashLo(), true);
      if (slot < 0) return null;
      SlotTable.Slot s = files.table().read(slot);
      if (!ValuesLog.isLogged(s.location())) {
        Path file = files.cellPath(key.hashHi(), key.hashLo());
        return new Region(file, 0, Files.size(file));
      }
      return new Region(files.log().fileOf(s.location()), ValuesLog.offsetOf(s.location()),
          ValuesLog.RECORD_HEADER + Math.abs(s.size()));
    });
  }

  /**
   * A finished cell read from the block's files: its record, the slot that named it, where the record
   * is, and the table's generation read before that slot was (while it stands, no slot was freed since
   * the slot was found holding this cell); {@link #UNVALIDATED} for a cell read from its own file.
   */
  record Found(long cellId, Payload payload, CellFile.Stored stored, long slot, long location, long generation)
      implements StoredCell {
    /** {@link #generation} of a cell whose slot this read did not validate. */
    static final long UNVALIDATED = Long.MIN_VALUE;

    @Override
    public Claim.Timing timing() {
      if (stored == null) return null;
      CellFile.Meta m = stored.meta();
      return new Claim.Timing(m.created(), m.cpuNanos(), m.wallNanos());
    }
  }

  /**
   * The finished cell of {@code key}, or {@code null} if there is none. A corrupted or torn record
   * is logged and reported as absent (so the cell is recomputed and replaced), never returned.
   */
  StoredCell read(CellKey key) {
    try {
      StoredCell logged = readLogged(key);
      if (logged != null) return logged == NOT_STORED ? null : logged;
      return readOwnFile(key);
    } catch (RuntimeException | InternalError e) {
      if (!BlockFiles.isDamageFault(e)) throw e;
      // A damaged file read without a lock: a miss, whose claim (an admin section) repairs the block.
      // A mapping's fault (a file cut short under it) can arrive after the copy that caused it: the
      // log's mapping is dropped here too, so the next read maps what is left or reads it with pread.
      files.log().dropMapping();
      LOG.log(System.Logger.Level.WARNING, "memokit: reading a cell of " + files.id().label() + " found its files damaged ("
          + e + "); treated as a miss");
      return null;
    }
  }

  /** {@link #readLogged}'s answer for a key whose slot says it is not stored at all (no file to look for either). */
  private static final StoredCell NOT_STORED = new Found(0, null, null, -1, 0, Found.UNVALIDATED);

  /**
   * The cell of {@code key} from the values log, found through the key directory without a lock;
   * {@code null} when the key's cell is not in the log (it may have its own file). A slot changing
   * under the read (a compaction moving its record) is read again.
   */
  private StoredCell readLogged(CellKey key) {
    SlotTable t = files.table();
    KeyIndex keys = files.keys();
    boolean repaired = false;
    boolean strandedRepaired = false;
    for (int attempt = 0; attempt < 4; attempt++) {
      long slot = keys.lookup(key.hashHi(), key.hashLo(), t);
      if (slot == KeyIndex.DAMAGED || attempt > 0 && slot >= 0 && isCorrupt(t, slot)) {
        // A damaged slot may be this key's: the records say where its cell is.
        if (repaired || !files.repair().rebuildIfDamagedQuietly()) return NOT_STORED;
        repaired = true;
        t = files.table();
        continue;
      }
      if (slot < 0) {
        // Every finished cell has a slot (a file a kill left without one is adopted by check or a rebuild).
        if (keys.inStepWith(t)) return NOT_STORED;
        slot = lockedLookup(key); // the directory is behind (a process died mid-change): the admin section syncs it
        if (slot < 0) return NOT_STORED;
      }
      SlotTable.Slot s;
      long generation;
      try {
        generation = t.generation(); // before the slot: a slot freed after this read moves it
        s = t.read(slot);
      } catch (IOException | InternalError e) {
        continue;
      }
      if (s == null && attempt > 0 && !strandedRepaired) {
        // Still free although the key directory names it: maybe left half-written by a killed process.
        strandedRepaired = true;
        files.repair().repairStrandedQuietly();
        t = files.table();
        continue;
      }
      if (s == null || s.isCorrupt()) continue; // being written: read again
      if (s.keyHi() != key.hashHi() || s.keyLo() != key.hashLo()) continue; // reused meanwhile
      if (!s.isFinished()) {
        // Being computed; or its process died right after publishing the cell's file.
        if (attempt == 0 && files.repair().finishedFromFile(s)) continue;
        return NOT_STORED;
      }
      if (!ValuesLog.isLogged(s.location())) return null;
      ValuesLog log = files.log();
      try {
        byte[] bytes = log.read(s.location(), (int) Math.abs(s.size()));
        if (bytes == null) continue; // compacted meanwhile: the slot names the new place
        CellFile.Stored c = CellFile.parse(log.fileOf(s.location()), bytes);
        if (!key.sameAs(c.keyHi(), c.keyLo(), c.key()) || c.meta().id() != s.id()) {
          throw new CorruptFileException(log.fileOf(s.location()), "the record at " + ValuesLog.offsetOf(s.location())
              + (key.sameAs(c.keyHi(), c.keyLo(), c.key()) ? " holds cell " + c.meta().id() + ", not cell " + s.id()
              : " holds the cell of another key"));
        }
        return new Found(c.meta().id(), new Payload(c.meta().codec(), c.bytes(), c.payloadLength(), c.isError(),
            c.shareable()), c, slot, s.location(), generation);
      } catch (CorruptFileException | NewerFormatException e) {
        if (!s.equals(readQuietly(t, slot))) continue; // the slot changed while its record was read
        LOG.log(System.Logger.Level.WARNING, "memokit: " + e.getMessage() + "; treated as a miss and recomputed");
        files.repair().removeDamaged(s);
        return NOT_STORED;
      } catch (IOException e) {
        // a channel closed under this read (an older generation's, by a compaction in this process): again
      }
    }
    return NOT_STORED;
  }

  private static boolean isCorrupt(SlotTable t, long slot) {
    SlotTable.Slot s = readQuietly(t, slot);
    return s != null && s.isCorrupt();
  }

  private static SlotTable.Slot readQuietly(SlotTable t, long slot) {
    try {
      return t.read(slot);
    } catch (IOException | InternalError e) {
      return null;
    }
  }

  /** The key's slot, found under the admin lock (which brings the key directory in step first); -1 if none. */
  private long lockedLookup(CellKey key) {
    try {
      return files.withAdmin(() -> files.table().find(key.hashHi(), key.hashLo()));
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The cell of {@code key} from its own file, or {@code null}. Asked only once the index names a
   * finished cell of this key in a file of its own ({@link #readLogged}): the file is there but when
   * it is removed meanwhile, so it is read without asking first (a stat more for every such hit).
   */
  private StoredCell readOwnFile(CellKey key) {
    Path file = files.cellPath(key.hashHi(), key.hashLo());
    try {
      byte[] bytes = Uninterruptibly.call(() -> Files.readAllBytes(file));
      CellFile.Stored s = CellFile.parse(file, bytes);
      if (!key.sameAs(s.keyHi(), s.keyLo(), s.key())) {
        // Another key's cell under this key's name: copied or renamed by hand, or (vanishingly rare)
        // a 128-bit hash collision. Either way not this cell's value.
        throw new CorruptFileException(file, "holds the cell of another key");
      }
      return new Found(s.meta().id(), new Payload(s.meta().codec(), s.bytes(), s.payloadLength(), s.isError(),
          s.shareable()), s, s.meta().slotHint(), ValuesLog.IN_OWN_FILE, Found.UNVALIDATED);
    } catch (NoSuchFileException e) {
      return null;
    } catch (CorruptFileException | NewerFormatException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: " + e.getMessage() + "; treated as a miss and recomputed");
      files.repair().removeDamaged(key, file);
      return null;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read " + file + ": " + e + "; treated as a miss");
      return null;
    }
  }

  /** What a listing shows of a finished cell beyond its slot: its arguments in words and where it came from. */
  record Details(String arguments, Provenance provenance) {
    static final Details NONE = new Details(null, Provenance.UNKNOWN);
  }

  /**
   * The arguments of a finished slot's cell in words ({@link KeyText}; {@code null} for a key too
   * large to keep) and its provenance, read from its record without a lock: the key found is checked
   * against the slot's key hash. A record in the values log is read whole and verified; a cell's own
   * file is read without its value, so unverified, and its owner is the file system's answer.
   * {@link Details#NONE} if the record cannot say (gone meanwhile, damaged).
   */
  static Details details(BlockFiles files, SlotTable.Slot s) {
    try {
      if (ValuesLog.isLogged(s.location())) {
        byte[] bytes = files.log().read(s.location(), (int) Math.abs(s.size()));
        if (bytes == null) return Details.NONE;
        CellFile.Stored c = CellFile.parse(files.log().fileOf(s.location()), bytes);
        return new Details(KeyText.arguments(c.key(), s.keyHi(), s.keyLo()), c.provenance());
      }
      Path file = files.cellPath(s.keyHi(), s.keyLo());
      CellFile.Listing listing = CellFile.readListing(file);
      if (listing == null) return Details.NONE;
      Provenance provenance = listing.provenance();
      if (provenance.isKnown()) provenance = provenance.withFileOwner(Files.getOwner(file).getName());
      return new Details(KeyText.arguments(listing.key(), s.keyHi(), s.keyLo()), provenance);
    } catch (Exception | InternalError e) {
      return Details.NONE; // a listing's detail: the cell's own reads report damage
    }
  }

  /**
   * Slot of {@code key}: a finished one if {@code finished}, else a pending one; -1 if none. Under
   * the admin lock it asks the key directory; without it (who computes a cell, asked while waiting)
   * it scans the slots, as the directory may be changing.
   */
  static long findSlot(BlockFiles files, long hi, long lo, boolean finished) throws IOException {
    SlotTable t = files.table();
    if (files.adminHeldByThisThread()) {
      long slot = t.find(hi, lo);
      SlotTable.Slot s = slot < 0 ? null : t.read(slot);
      return s != null && !s.isCorrupt() && (finished ? s.isFinished() : s.state() == SlotTable.PENDING) ? slot : -1;
    }
    long used = t.used();
    for (long i = 0; i < used; i++) {
      if (t.get(i, SlotTable.S_KEY_HI) != hi || t.get(i, SlotTable.S_KEY_LO) != lo) continue;
      SlotTable.Slot s = t.read(i);
      if (s == null || s.isCorrupt()) continue;
      if (finished ? s.isFinished() : s.state() == SlotTable.PENDING) return i;
    }
    return -1;
  }
}
