package io.memokit.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.CellInfo;
import io.memokit.CellOrigin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cell's row in the notebook tables: a never-hit cell shows no last hit, not when it was stored;
 * who wrote a cell, in one word, and every field of where it came from.
 */
class CellRowTest {

  @Test
  void aNeverHitCellHasAnEmptyLastHitAndAHitOneItsTime() {
    Instant stored = Instant.parse("2026-11-25T10:00:00Z");
    CellInfo never = new CellInfo(7, CellInfo.State.VALUE, stored, stored, 0, 120, Duration.ZERO, Duration.ZERO);
    CellInfo hit = new CellInfo(8, CellInfo.State.VALUE, stored, stored.plusSeconds(60), 3, 120, Duration.ZERO,
        Duration.ZERO);
    int lastHit = Vocabulary.CELL_COLUMNS.indexOf("last hit");
    assertEquals("", Vocabulary.cellRow(never).get(lastHit));
    assertTrue(!Vocabulary.cellRow(hit).get(lastHit).isEmpty());
  }

  private static CellInfo cell(CellInfo.State state, CellOrigin origin) {
    Instant t = Instant.parse("2026-11-25T10:00:00Z");
    return new CellInfo(7, state, t, t, 0, 120, Duration.ZERO, Duration.ZERO, "(1)", origin);
  }

  private static CellOrigin origin(String user, String fileOwner, String host) {
    return new CellOrigin(user, fileOwner, host, 4711, Instant.parse("2026-11-25T10:00:01Z"), "17.0.15+6", "0.1.0",
        "3fa2c1d0e5b6a7f8");
  }

  @Test
  void aCellsWriterIsUserAtHostItsFilesOwnerFirstUnknownWhenNotRecordedAndCutWhenLong() {
    int column = Vocabulary.CELL_COLUMNS.indexOf("written by");
    assertEquals(column + 1, Vocabulary.CELL_COLUMNS.indexOf("last hit"), "beside the last hit, at the end");
    assertEquals("alice@host-a", Vocabulary.cellRow(cell(CellInfo.State.VALUE, origin("alice", "", "host-a"))).get(column));
    assertEquals("bob@host-a", Vocabulary.writtenBy(cell(CellInfo.State.ERROR, origin("alice", "bob", "host-a"))),
        "the file system's owner, not the name the process reported");
    assertEquals("unknown", Vocabulary.writtenBy(cell(CellInfo.State.VALUE, CellOrigin.UNKNOWN)));
    assertEquals("", Vocabulary.writtenBy(cell(CellInfo.State.COMPUTING, CellOrigin.UNKNOWN)));
    String longHost = "build-agent-17.eu-west-1.compute.internal.example.com";
    String cut = Vocabulary.writtenBy(cell(CellInfo.State.VALUE, origin("alice", "", longHost)));
    assertEquals(Vocabulary.WRITTEN_BY_WIDTH, cut.length(), cut);
    assertTrue(cut.startsWith("alice@build-agent-17.") && cut.endsWith("..."), cut);
  }

  @Test
  void anOriginRowHasEveryFieldAndSaysWhenTheFilesOwnerIsNotTheReportedUser() {
    List<String> row = Vocabulary.originRow(cell(CellInfo.State.VALUE, origin("alice", "bob", "host-a")));
    assertEquals(Vocabulary.ORIGIN_COLUMNS.size(), row.size());
    assertEquals(List.of("7", "(1)", "value", "bob (reported alice)", "host-a", "4711",
        Vocabulary.time(Instant.parse("2026-11-25T10:00:01Z")), "17.0.15+6", "0.1.0", "3fa2c1d0e5b6a7f8"), row);
    assertEquals("alice", Vocabulary.originRow(cell(CellInfo.State.VALUE, origin("alice", "alice", "h"))).get(3));
    assertEquals(List.of("7", "(1)", "value", "unknown", "", "", "", "", "", ""),
        Vocabulary.originRow(cell(CellInfo.State.VALUE, CellOrigin.UNKNOWN)));
  }
}
