package io.memokit.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

/** How a trace line names its store: below the working directory relative to it, else as it is. */
class TraceTest {

  private static final Path CWD = real(Path.of("").toAbsolutePath());

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aStoreBelowTheWorkingDirectoryIsNamedRelativeToIt() {
    assertEquals("notebook-demo-store", Trace.shown(CWD.resolve("notebook-demo-store").toString()));
    assertEquals(Path.of("target", "s").toString(), Trace.shown(CWD.resolve("target/s").toString()));
    assertEquals(".", Trace.shown(CWD.toString()));
    String line = new Trace.Event(7, LocalTime.of(14, 32, 13), CWD.resolve("s").toString(), "add(2)", Trace.Kind.MISS,
        1, "").line();
    assertEquals("[proc 7 @ 14:32:13] Cache<s:add(2)> MISS(1)", line);
  }

  @Test
  void anyOtherLocationIsNamedAsItIs() {
    assertEquals("/", Trace.shown("/"));
    String sibling = CWD.resolveSibling(CWD.getFileName() + "-other").resolve("s").toString();
    assertEquals(sibling, Trace.shown(sibling), "a directory whose name only starts like the working directory's");
    assertEquals("jdbc:postgresql://localhost:5432/db?user=u&password=***",
        Trace.shown("jdbc:postgresql://localhost:5432/db?user=u&password=***"));
    assertEquals("relative/s", Trace.shown("relative/s"));
  }
}
