package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks, and with {@code fix} repairs, one block's index against its records ({@code check(fix)}). */
final class BlockVerifier {

  private BlockVerifier() {}

  /**
   * Verifies that the index and the records agree (admin lock held): every finished slot has its
   * record (in the values log or its own file), whole and of its cell; no key has two slots; every cell file has a slot; no pending slot
   * is left by a dead process; the live count is right. With {@code fix}, frees the slots that
   * point at nothing, deletes damaged files, indexes the files that lost their slot and heals the count.
   */
  static List<String> check(DirectoryBackend store, BlockFiles files, boolean fix) {
    List<String> problems = new ArrayList<>();
    String block = store.path().relativize(files.directory()).toString();
    try {
      files.withAdmin(() -> {
        SlotTable table = files.table();
        int stranded = table.stranded().cardinality();
        if (stranded > 0) {
          problems.add(block + ": " + stranded + " slot(s) left half-written by a process that died"
              + (fix ? " (freed, their published cells indexed again)" : ""));
          if (fix) files.repair().repairStranded();
        }
        java.util.Map<String, Long> slotOfFile = new java.util.HashMap<>();
        long live = 0;
        long used = table.used();
        for (long i = 0; i < used; i++) {
          SlotTable.Slot s = table.read(i);
          if (s == null) continue;
          if (s.isCorrupt()) {
            problems.add(block + ": slot " + i + " is damaged" + (fix ? " (freed)" : ""));
            if (fix) table.free(i);
            continue;
          }
          if (s.state() == SlotTable.PENDING) {
            if (fix ? files.repair().reclaimIfOrphan(s) : files.repair().isOrphan(s)) {
              problems.add(block + ": cell " + s.id() + " was left computing by a process that died"
                  + (fix ? " (freed)" : ""));
            } else {
              live++;
            }
            continue;
          }
          if (ValuesLog.isLogged(s.location())) {
            String wrong = recordProblem(files.log(), s);
            if (wrong != null) {
              problems.add(block + ": cell " + s.id() + " " + wrong + (fix ? " (slot freed)" : ""));
              if (fix) table.free(i);
              else live++;
            } else {
              live++;
            }
            continue;
          }
          Path file = files.cellPath(s.keyHi(), s.keyLo());
          String name = file.getFileName().toString();
          String wrong = fileProblem(file, s);
          Long other = slotOfFile.putIfAbsent(name, i);
          if (wrong == null && other != null) wrong = "shares its file with slot " + other;
          if (wrong != null) {
            problems.add(block + ": cell " + s.id() + " " + wrong + (fix ? " (slot freed)" : ""));
            if (fix) table.free(i);
            else live++; // still in the index: counted as it stands
            if (other == null) slotOfFile.remove(name);
            continue;
          }
          live++;
        }
        try (DirectoryStream<Path> cellFiles = Files.newDirectoryStream(files.cellsDirectory(), "*.cell")) {
          for (Path f : cellFiles) {
            if (slotOfFile.containsKey(f.getFileName().toString())) continue;
            try {
              CellFile.Stored c = CellFile.parse(f, Files.readAllBytes(f));
              problems.add(block + ": " + f.getFileName() + " holds cell " + c.meta().id() + " but is not indexed"
                  + (fix ? " (indexed)" : ""));
              if (fix) {
                BlockRepair.index(table, c, ValuesLog.IN_OWN_FILE, null, store.settings().clockMillis().getAsLong());
                live++;
              }
            } catch (CorruptFileException | NewerFormatException e) {
              problems.add(block + ": " + e.getMessage() + (fix ? " (removed)" : ""));
              if (fix) Files.deleteIfExists(f);
            }
          }
        }
        long bytes = 0;
        for (long i = 0, n = table.used(); i < n; i++) {
          SlotTable.Slot s = table.read(i);
          if (s != null && !s.isCorrupt() && s.isFinished()) bytes += Math.abs(s.size());
        }
        if (table.bytes() != bytes) {
          problems.add(block + ": the index counts " + table.bytes() + " bytes of cells, they take " + bytes
              + (fix ? " (count healed)" : ""));
          if (fix) table.setBytes(bytes);
        }
        if (table.live() != live) {
          problems.add(block + ": the index counts " + table.live() + " cells, it holds " + live
              + (fix ? " (count healed)" : ""));
          if (fix) table.setLive(live);
        }
        return null;
      });
    } catch (IOException e) {
      problems.add(block + ": cannot be checked: " + e);
    }
    return problems;
  }

  /** What is wrong with the values-log record of finished slot {@code s}; {@code null} if it is whole and its own. */
  private static String recordProblem(ValuesLog log, SlotTable.Slot s) {
    try {
      byte[] bytes = log.read(s.location(), (int) Math.abs(s.size()));
      if (bytes == null) return "names a values log that is gone (" + log.fileOf(s.location()).getFileName() + ")";
      CellFile.Stored c = CellFile.parse(log.fileOf(s.location()), bytes);
      if (c.keyHi() != s.keyHi() || c.keyLo() != s.keyLo()) return "has the record of another key";
      if (c.meta().id() != s.id()) return "has the record of cell " + c.meta().id();
      return null;
    } catch (IOException e) {
      return "has a damaged record (" + e.getMessage() + ")";
    }
  }

  /** What is wrong with the file of finished slot {@code s}; {@code null} if it is whole and its own. */
  private static String fileProblem(Path file, SlotTable.Slot s) {
    try {
      CellFile.Stored c = CellFile.parse(file, Files.readAllBytes(file));
      if (c.keyHi() != s.keyHi() || c.keyLo() != s.keyLo()) return "has the file of another key";
      if (c.meta().id() != s.id()) return "has the file of cell " + c.meta().id();
      return null;
    } catch (NoSuchFileException e) {
      return "has no file";
    } catch (IOException e) {
      return "has a damaged file (" + e.getMessage() + ")";
    }
  }
}
