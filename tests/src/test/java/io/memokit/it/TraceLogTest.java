package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The parser and comparison DemoTraceTest relies on: a WAIT followed by whom it waits for is the
 * same event, while a different event, or a detail after any other event, still fails.
 */
@Tag("quick")
class TraceLogTest {

  private static List<String> reference() throws IOException {
    try (InputStream in = TraceLogTest.class.getResourceAsStream("/reference/cache.out")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static void compare(List<String> ours) throws IOException {
    TraceLog.assertSameEvents(TraceLog.parse(reference()), TraceLog.parse(ours), String.join("\n", ours));
  }

  @Test
  void waitsThatSayWhomTheyWaitForMatchTheReference() throws IOException {
    List<String> ours = reference().stream()
        .map(l -> l.matches(".*> WAIT\\(\\d+\\)$") ? l + " for proc 10578 on host-a since 06:06:31" : l).toList();
    assertTrue(ours.stream().filter(l -> l.contains(" for proc ")).count() >= 2, "the reference has WAITs");
    compare(ours);
    compare(reference().stream().map(l -> l.matches(".*> WAIT\\(\\d+\\)$") ? l + " for thread main of this process" : l)
        .toList());
  }

  @Test
  void aDifferentEventStillFails() throws IOException {
    List<String> ours = reference().stream()
        .map(l -> l.endsWith("> WAIT(3)") ? l.replace("> WAIT(3)", "> HIT(3) for proc 1 on h since 06:06:37") : l)
        .toList();
    assertThrows(IllegalArgumentException.class, () -> compare(ours), "a detail is allowed after WAIT only");
    List<String> hit = reference().stream().map(l -> l.endsWith("> WAIT(3)") ? l.replace("> WAIT(3)", "> HIT(3)") : l)
        .toList();
    AssertionError e = assertThrows(AssertionError.class, () -> compare(hit));
    assertTrue(e.getMessage().contains("expected longfunc WAIT(3), got longfunc HIT(3)"), e.getMessage());
    List<String> unknown = reference().stream()
        .map(l -> l.endsWith("> WAIT(3)") ? l.replace("> WAIT(3)", "> WAITED(3)") : l).toList();
    assertThrows(IllegalArgumentException.class, () -> compare(unknown), "an unknown event is refused, not skipped");
  }

  @Test
  void theReferenceParsesIntoFourDemosOfTwoProcesses() throws IOException {
    TraceLog log = TraceLog.parse(reference());
    assertEquals(4, log.sections.size());
    log.sections.forEach(s -> assertEquals(2, s.size()));
  }

  /** The reference with a line after each line of dashes, as the demo prints what each section shows. */
  private static List<String> withSectionLines(List<String> lines) {
    List<String> out = new java.util.ArrayList<>();
    int n = 0;
    for (String l : lines) {
      out.add(l);
      if (l.matches("^-{20,}$")) out.add("== " + (++n) + "/4 demo: the second process HITs what the first computed");
    }
    return out;
  }

  @Test
  void theDemosLinesSayingWhatASectionShowsAreNotEvents() throws IOException {
    List<String> ours = withSectionLines(reference());
    assertEquals(4, ours.stream().filter(l -> l.startsWith("== ")).count());
    compare(ours);
    List<String> hit = withSectionLines(reference()).stream()
        .map(l -> l.endsWith("> WAIT(3)") ? l.replace("> WAIT(3)", "> HIT(3)") : l).toList();
    AssertionError e = assertThrows(AssertionError.class, () -> compare(hit));
    assertTrue(e.getMessage().contains("expected longfunc WAIT(3), got longfunc HIT(3)"), e.getMessage());
  }
}
