package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.ErrorWorker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exception of a user class with no {@code (String)} constructor, a field of its own, a cause
 * and a suppressed exception, stored by one JVM and re-thrown whole by another, with a note saying
 * where it came from; a JVM lacking its class gets a MemoException naming it, with the stored
 * message and stack, and does not compute the cell again.
 */
@Tag("quick")
class ExceptionsAcrossProcessesTest {

  @TempDir
  Path tmp;

  private static String raised(Jvm j) throws Exception {
    assertEquals(0, j.exit(Duration.ofSeconds(60)), j.describe());
    return j.lines().stream().filter(l -> l.startsWith("RAISED ")).findFirst()
        .orElseThrow(() -> new AssertionError("nothing raised\n" + j.describe()));
  }

  @Test
  void aUserExceptionCrossesProcessesWholeAndSaysWhereItCameFrom() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/extra"));
    Files.writeString(src.resolve("CodedException.java"), """
        package extra;
        public class CodedException extends Exception {
          public final int code;
          CodedException(String what, int code, Throwable cause) { super(what + " (" + code + ")", cause); this.code = code; }
        }
        """);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        src.resolve("CodedException.java").toString()));
    Path store = tmp.resolve("store");
    String withClass = System.getProperty("java.class.path") + File.pathSeparator + classes;

    long writerPid;
    try (Jvm writer = Jvm.start(List.of(), List.of(), withClass, ErrorWorker.class, store)) {
      String r = raised(writer);
      writerPid = writer.pid();
      assertEquals("RAISED extra.CodedException | disk full (28) | code=28 | cause=java.lang.IllegalStateException: "
          + "inner | suppressed=[UnsupportedOperationException: cleanup failed] | stack=lambda$main$0", r.replaceAll(
              "lambda\\$main\\$[0-9a-f$]+", "lambda\\$main\\$0"), writer.describe());
      assertTrue(writer.lines().contains("BODY RAN"));
    }
    try (Jvm reader = Jvm.start(List.of(), List.of(), withClass, ErrorWorker.class, store)) {
      String r = raised(reader);
      assertFalse(reader.lines().contains("BODY RAN"), "the stored exception is re-thrown, not recomputed\n"
          + reader.describe());
      assertTrue(reader.lines().stream().anyMatch(l -> l.contains("> HIT(1)")), reader.describe());
      assertTrue(r.startsWith("RAISED extra.CodedException | disk full (28) | code=28 | cause=java.lang."
          + "IllegalStateException: inner | suppressed=[UnsupportedOperationException: cleanup failed, "
          + "MemoException: stored by process " + writerPid + " on "), r);
      assertTrue(r.contains("as cell 1 of failing(1); failing.clearErrors() forgets it]"), r);
    }
    try (Jvm without = Jvm.start(ErrorWorker.class, store)) {
      String r = raised(without);
      assertFalse(without.lines().contains("BODY RAN"), "not recomputed either\n" + without.describe());
      assertTrue(r.startsWith("RAISED io.memokit.MemoException | extra.CodedException: disk full (28) (a stored "
          + "exception whose class is not defined in this process: define extra.CodedException"), r);
      assertTrue(r.contains("cause=java.lang.IllegalStateException: inner"), r);
      assertTrue(r.endsWith("| stack=lambda$main$0") || r.matches(".*\\| stack=lambda\\$main\\$.*"),
          "the stored stack, not this process's: " + r);
    }
  }
}
