package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.storage.ProcessIdentity;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a JShell user sees of results memokit cannot or does not compute anew, in real
 * {@code bin/jshell} sessions on one store: an exception another session stored, re-thrown with
 * where it came from in what JShell prints by default; and a result that cannot be stored, told
 * once, each call a miss that takes no cell number.
 */
@Tag("both-jdks")
@Tag("quick")
class StoredResultsJShellTest {

  @TempDir
  Path tmp;

  private static final String BOOM = """
      var boom = memo(s, "boom", (Integer x) -> { if (x > 0) throw new IllegalStateException("bad " + x); return x; });
      """;

  /** The pid in the session's first trace line ({@code [proc 4711 @ 14:32:13] Cache<...>}). */
  private static long pid(List<String> lines) {
    Matcher m = Pattern.compile("^\\[proc (\\d+) @").matcher(lines.stream().filter(l -> l.contains("Cache<"))
        .findFirst().orElseThrow(() -> new AssertionError("no trace line\n" + String.join("\n", lines))));
    assertTrue(m.find());
    return Long.parseLong(m.group(1));
  }

  /** The lines JShell printed for the exception whose header is {@code header}: the header and its {@code at} lines. */
  private static List<String> shown(List<String> lines, String header) {
    int at = lines.indexOf(header);
    assertTrue(at >= 0, "JShell printed " + header + "\n" + String.join("\n", lines));
    int end = at + 1;
    while (end < lines.size() && lines.get(end).startsWith("      at ")) end++;
    return lines.subList(at, end);
  }

  @Test
  void aStoredExceptionReThrownInAnotherSessionShowsWhereItCameFrom() throws Exception {
    JShellSessions sessions = new JShellSessions(tmp);
    List<String> first = sessions.runRaising(BOOM + "boom.apply(1)\n");
    long writer = pid(first);
    List<String> computed = shown(first, "Exception java.lang.IllegalStateException: bad 1");
    assertTrue(computed.get(1).matches("      at lambda\\$do_it\\$.* \\(#\\d+:1\\)"),
        "computed here: JShell names this session's snippet\n" + String.join("\n", first));

    // Another session, whose snippet numbers differ: the exception is re-thrown from the store.
    List<String> second = sessions.runRaising("""
        int a = 1;
        String b = "two";
        double c = 3.0;
        record Unrelated(int z) {}
        """ + BOOM + "boom.apply(1)\n");
    String all = String.join("\n", second);
    assertTrue(second.stream().anyMatch(l -> l.contains(":boom(1)> HIT(1)")), all);
    List<String> rethrown = shown(second, "Exception java.lang.IllegalStateException: bad 1");
    String when = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";
    assertTrue(rethrown.get(1).matches("      at memokit\\.stored \\(by process " + writer + " on "
        + Pattern.quote(ProcessIdentity.HOST) + " at " + when + " as cell 1 of boom\\(1\\); "
        + "boom\\.clearErrors\\(\\) forgets it\\)"), "the provenance right under the message\n" + all);
    assertTrue(rethrown.get(2).matches("      at lambda\\$do_it\\$Aux\\$\\w+\\$1 \\(snippet of process " + writer + "\\)"),
        "the frames below are the computation's, its snippet another process's\n" + all);
    assertEquals("      at (snippet of process " + writer + ")", rethrown.get(rethrown.size() - 1), all);
    assertTrue(rethrown.stream().noneMatch(l -> l.contains("(#")),
        "no frame names a snippet of this session, which did not raise it\n" + all);
  }

  @Test
  void aResultThatCannotBeStoredIsToldOnceAndItsMissesTakeNoCellNumber() throws Exception {
    List<String> lines = new JShellSessions(tmp).run("""
        var open = memo(s, "open", (Integer n) -> new java.io.ByteArrayInputStream(new byte[n]));
        System.out.println("= " + open.apply(2).available());
        System.out.println("= " + open.apply(2).available());
        System.out.println("= " + open.apply(2).available());
        var next = memo(s, "next", (Integer n) -> n + 1);
        System.out.println("= " + next.apply(2));
        System.out.println("= " + next.apply(2));
        System.out.println("= " + open.info().misses() + " misses, " + open.info().size() + " cells");
        """);
    assertEquals(List.of("open MISS(1)", "memokit: open returned a java.io.ByteArrayInputStream, which memokit cannot "
        + "store (it is not Serializable), so it is computed again on every call", "= 2",
        "open MISS(1)", "= 2", "open MISS(1)", "= 2",
        "next MISS(1)", "= 3", "next HIT(1)", "= 3",
        "= 3 misses, 0 cells"), JShellSessions.seen(lines), String.join("\n", lines));
  }
}
