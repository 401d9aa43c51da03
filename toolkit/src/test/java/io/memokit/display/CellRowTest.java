package io.memokit.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.CellInfo;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A cell's row in the notebook tables: a never-hit cell shows no last hit, not when it was stored. */
class CellRowTest {

  @Test
  void aNeverHitCellHasAnEmptyLastHitAndAHitOneItsTime() {
    Instant stored = Instant.parse("2026-11-25T10:00:00Z");
    CellInfo never = new CellInfo(7, CellInfo.State.VALUE, stored, stored, 0, 120, Duration.ZERO, Duration.ZERO);
    CellInfo hit = new CellInfo(8, CellInfo.State.VALUE, stored, stored.plusSeconds(60), 3, 120, Duration.ZERO,
        Duration.ZERO);
    assertEquals("", Vocabulary.cellRow(never).get(7));
    assertTrue(!Vocabulary.cellRow(hit).get(7).isEmpty());
  }
}
