package io.memokit.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.memokit.Stderr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The line drawn in place and the lines printed while it is shown: the trace and notices clear it
 * first and it is drawn again after them, so that no line starts in the middle of another.
 */
class ConsoleLineTest {

  /** A console stand-in: what was printed on it, carriage returns and all. */
  private static final class Screen {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /** What was printed since the last call. */
    String take() {
      String s = bytes.toString(StandardCharsets.UTF_8);
      bytes.reset();
      return s;
    }
  }

  private final Screen out = new Screen();
  private final Screen err = new Screen();
  private final Object drawer = new Object();
  private final PrintStream stdout = System.out;

  /** Puts standard output back, the trace off, and ends a line a failed test left drawn. */
  @AfterEach
  void restore() {
    Trace.print(false);
    System.setOut(stdout);
    ConsoleLine.end(drawer, out.stream, "");
  }

  private static String cleared(int width) {
    return "\r" + " ".repeat(width) + "\r";
  }

  @Test
  void withNoLineDrawnALineIsPrintedAsItIs() {
    ConsoleLine.println(out.stream, "[proc 1 @ 12:00:00] Cache<s:f(1)> MISS(1)");
    assertEquals("[proc 1 @ 12:00:00] Cache<s:f(1)> MISS(1)\n", out.take());
    ConsoleLine.end(drawer, out.stream, "f(1): 3/3 inputs (done)");
    assertEquals("f(1): 3/3 inputs (done)\n", out.take(), "ending a line never drawn prints it");
  }

  @Test
  void aTraceLineClearsTheLineDrawnInPlaceAndTheLineIsDrawnAgainBelowIt() {
    System.setOut(out.stream);
    Trace.print(true);
    assertTrue(ConsoleLine.draw(drawer, out.stream, "f(1): 10/60 inputs"));
    assertEquals("\rf(1): 10/60 inputs", out.take());
    Trace.event("s", "f(1)", Trace.Kind.MISS, 11, "");
    String printed = out.take();
    assertTrue(printed.startsWith(cleared(18) + "[proc "), printed);
    assertTrue(printed.endsWith("] Cache<s:f(1)> MISS(11)\nf(1): 10/60 inputs"), printed);
    assertTrue(ConsoleLine.draw(drawer, out.stream, "f(1): 11/60 inputs"));
    ConsoleLine.end(drawer, out.stream, "f(1): 11/60 inputs");
    assertEquals("\rf(1): 11/60 inputs\rf(1): 11/60 inputs\n", out.take(), "the final line ends the line drawn in place");
  }

  @Test
  void aNoticeOnStandardErrorClearsTheLineOnStandardOutputFirst() {
    ConsoleLine.draw(drawer, out.stream, "g(1): 1/2 inputs");
    out.take();
    String notice = Stderr.of(() -> Notice.once("console line test " + System.nanoTime(), "g reads a field"));
    assertEquals("memokit: g reads a field\n", notice);
    assertEquals(cleared(16) + "g(1): 1/2 inputs", out.take());
    ConsoleLine.end(drawer, out.stream, "g(1): 2/2 inputs");
    assertEquals("\rg(1): 2/2 inputs\n", out.take());
  }

  @Test
  void aShorterLineClearsWhatTheLongerOneLeftAndOneDrawerDrawsAtATime() {
    Object other = new Object();
    ConsoleLine.draw(drawer, out.stream, "h(1): 9/10 inputs, 9 hit");
    ConsoleLine.draw(drawer, out.stream, "h(1): 10/10");
    assertEquals("\rh(1): 9/10 inputs, 9 hit" + cleared(24) + "h(1): 10/10", out.take());
    assertFalse(ConsoleLine.draw(other, err.stream, "k(1): 1/5 inputs"), "another drawer waits its turn");
    assertEquals("", err.take());
    ConsoleLine.end(drawer, out.stream, "h(1): 10/10 (done)");
    assertEquals("\rh(1): 10/10 (done)\n", out.take());
    assertTrue(ConsoleLine.draw(other, err.stream, "k(1): 1/5 inputs"), "free once the first line ended");
    ConsoleLine.end(other, err.stream, "k(1): 5/5 inputs");
    assertEquals("\rk(1): 1/5 inputs\rk(1): 5/5 inputs\n", err.take());
  }
}
