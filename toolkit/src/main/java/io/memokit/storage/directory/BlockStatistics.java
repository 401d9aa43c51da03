package io.memokit.storage.directory;

import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What one block holds, read from its shared index (never the values): its status and its cells. */
final class BlockStatistics {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final BlockFiles files;
  private final Hits hits;

  BlockStatistics(BlockFiles files, Hits hits) {
    this.files = files;
    this.hits = hits;
  }

  /** One shared word: the index's count of live slots. */
  boolean isEmpty() {
    return files.table().live() == 0;
  }

  BlockStatus status() {
    List<CellStatus> cells = cells();
    int errors = 0;
    int computing = 0;
    long bytes = 0;
    for (CellStatus c : cells) {
      if (c.state() == CellStatus.State.ERROR) errors++;
      if (c.state() == CellStatus.State.COMPUTING) computing++;
      bytes += c.bytes();
    }
    SlotTable t = files.table();
    return new BlockStatus(t.hits(), t.misses(), t.maxsize(), cells.size(), errors, computing, bytes);
  }

  /** The block's cells, in slot order, read from the shared index (never the values). */
  List<CellStatus> cells() {
    return cells(false);
  }

  /** As {@link #cells()}, with each finished cell's arguments in words and provenance when {@code details}. */
  List<CellStatus> cells(boolean details) {
    try {
      files.ensureCurrent();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot reopen the files of " + files.id().label() + ": " + e);
    }
    hits.publishHits();
    List<CellStatus> listed = listCells(details);
    if (listed.stream().anyMatch(c -> c.state() == CellStatus.State.COMPUTING) && files.repair().reclaimOrphans() > 0) {
      listed = listCells(details);
    }
    return listed;
  }

  private List<CellStatus> listCells(boolean details) {
    List<CellStatus> result = new ArrayList<>();
    try {
      SlotTable t = files.table();
      long used = t.used();
      for (long i = 0; i < used; i++) {
        SlotTable.Slot s = t.read(i);
        if (s == null || s.isCorrupt()) continue;
        CellStatus.State state = s.state() == SlotTable.PENDING ? CellStatus.State.COMPUTING
            : s.state() == SlotTable.ERROR ? CellStatus.State.ERROR : CellStatus.State.VALUE;
        CellReads.Details d = details && s.isFinished() ? CellReads.details(files, s) : CellReads.Details.NONE;
        result.add(new CellStatus(s.id(), state, s.created(), s.lastHit(), s.hits(), Math.abs(s.size()), s.cpuNanos(),
            s.wallNanos(), d.arguments(), d.provenance()));
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read " + files.indexFile() + ": " + e);
    }
    return result;
  }

  long highestId() {
    long highest = 0;
    for (CellStatus c : cells()) highest = Math.max(highest, c.id());
    return highest;
  }

  /** The bytes of the finished cells, as the index counts them. */
  long indexedBytes() {
    return files.table().bytes();
  }
}
