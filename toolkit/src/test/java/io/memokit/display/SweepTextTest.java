package io.memokit.display;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memokit.cell.Sweep;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A sweep's progress outside a kernel, on a console stand-in and a clock the test moves: in place
 * on a terminal, a line every 5 s elsewhere, the final line once, nothing for a quick sweep.
 */
class SweepTextTest {

  private static final long MS = 1_000_000L;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong(1_000 * MS);

  private String printed() {
    String s = bytes.toString(StandardCharsets.UTF_8);
    bytes.reset();
    return s;
  }

  /** What {@code p} printed as an input resolved {@code ms} after it started. */
  private String resolvedAt(long ms, Progress p, Sweep.Source source) {
    clock.set(1_000 * MS + ms * MS);
    p.resolved(source);
    return printed();
  }

  @Test
  void onATerminalOneLineIsRedrawnInPlaceAtMost4TimesASecondAndEndedByTheFinalLine() {
    Progress p = Progress.ofSweep("f(1)", 4, new SweepText(out, true, clock::get));
    assertEquals("", resolvedAt(1_900, p, Sweep.Source.HIT), "nothing in the first 2 s");
    assertEquals("\rf(1): 2/4 inputs, 1 hit, 1 computed here, 0 computed elsewhere",
        resolvedAt(2_000, p, Sweep.Source.COMPUTED_HERE));
    assertEquals("", resolvedAt(2_200, p, Sweep.Source.COMPUTED_HERE), "not redrawn within 250 ms");
    assertEquals("\rf(1): 4/4 inputs, 1 hit, 2 computed here, 1 computed elsewhere",
        resolvedAt(2_250, p, Sweep.Source.COMPUTED_ELSEWHERE));
    p.close();
    assertEquals("\rf(1): 4/4 inputs, 1 hit, 2 computed here, 1 computed elsewhere (done)\n", printed());
  }

  @Test
  void elsewhereALineEvery5SecondsAndTheFinalLineOnce() {
    Progress p = Progress.ofSweep("g(1)", 100, new SweepText(out, false, clock::get));
    assertEquals("", resolvedAt(4_999, p, Sweep.Source.HIT));
    assertEquals("g(1): 2/100 inputs, 2 hit, 0 computed here, 0 computed elsewhere\n", resolvedAt(5_000, p, Sweep.Source.HIT));
    assertEquals("", resolvedAt(9_999, p, Sweep.Source.HIT));
    assertEquals("g(1): 4/100 inputs, 4 hit, 0 computed here, 0 computed elsewhere\n", resolvedAt(10_000, p, Sweep.Source.HIT));
    p.close();
    assertEquals("g(1): 4/100 inputs, 4 hit, 0 computed here, 0 computed elsewhere (done)\n", printed());
    p.close();
    assertEquals("", printed(), "once");
  }

  @Test
  void aSweepShorterThan2SecondsPrintsNothingAndALongerOneItsFinalLine() {
    for (boolean terminal : new boolean[] {true, false}) {
      clock.set(0);
      Progress quick = Progress.ofSweep("q(1)", 1, new SweepText(out, terminal, clock::get));
      clock.set(1_999 * MS);
      quick.resolved(Sweep.Source.COMPUTED_HERE);
      quick.close();
      assertEquals("", printed(), "terminal: " + terminal);
      Progress longer = Progress.ofSweep("q(1)", 1, new SweepText(out, terminal, clock::get));
      clock.addAndGet(2_000 * MS);
      longer.close();
      assertEquals("q(1): 0/1 inputs, 0 hit, 0 computed here, 0 computed elsewhere (done)\n", printed(),
          "terminal: " + terminal);
    }
  }
}
