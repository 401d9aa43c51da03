package io.memokit.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.CellInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the HTML tables and the progress bar look in a rendered notebook. */
class HtmlLayoutTest {

  @Test
  void anEmptyStoreIsItsHeadingWithoutAnEmptyTable() {
    String html = Html.store("/somewhere/else", List.of());
    assertTrue(html.contains("0 blocks"), html);
    assertFalse(html.contains("<table"), html);
  }

  @Test
  void wordsAreLeftAlignedAndNumbersRightAligned() {
    Instant t = Instant.parse("2026-11-25T10:00:00Z");
    String html = Html.cells(List.of(new CellInfo(7, CellInfo.State.ERROR, t, t, 0, -120, Duration.ZERO, Duration.ZERO)));
    assertTrue(html.contains("text-align:left;background:#f3f3f3\">state</th>"), html);
    assertTrue(html.contains("text-align:right;background:#f3f3f3\">cell</th>"), html);
    assertTrue(html.contains("text-align:left\">&#9888; exception</td>"), html);
    assertTrue(html.contains("text-align:right\">7</td>"), html);
  }

  @Test
  void theBarsTwoPartsNeverPassItsWidth() {
    // 163 hits and 37 misses of 200 round to 82% and 19% each: 101%, one part pushed past the border
    String html = Html.progress("square(1)", 163, 37, 200, true);
    Matcher widths = Pattern.compile("width:(\\d+)%").matcher(html);
    int sum = 0;
    while (widths.find()) sum += Integer.parseInt(widths.group(1));
    assertEquals(100, sum, html);
  }
}
