package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything a function reads is in its key, as a JShell user meets it: real {@code bin/jshell}
 * sessions on one store (a directory, then a PostgreSQL database), the second with other snippet
 * numbers. A top-level variable changed, declared again or changed in place, a captured list
 * changed, a method reference swapped: never a stale value; equal values in another session hit.
 */
@Tag("both-jdks")
class ReadVariablesJShellTest {

  @TempDir
  Path tmp;

  private static final String DEFINE = """
      int k = 3;
      var f = memo(s, "f", (Integer x) -> x * k);
      var weights = new ArrayList<Integer>(List.of(1, 2));
      var w = memo(s, "w", (Integer x) -> x * weights.get(0));
      Fn1<Integer, Integer> scaled(List<Integer> ws) { return x -> x * ws.get(1); }
      var captured = new ArrayList<Integer>(List.of(1, 2));
      var c = memo(s, "c", scaled(captured));
      """;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void variablesCapturedValuesAndMethodReferencesAreKeyed(StoreKind kind) throws Exception {
    JShellSessions sessions = new JShellSessions(tmp, kind.location(tmp));
    List<String> first = sessions.run(DEFINE + """
        System.out.println("= " + f.apply(2));
        k = 4;
        System.out.println("= " + f.apply(2));
        int k = 5;
        System.out.println("= " + f.apply(2));
        System.out.println("= " + w.apply(3));
        weights.set(0, 5);
        System.out.println("= " + w.apply(3));
        System.out.println("= " + c.apply(3));
        captured.set(1, 7);
        System.out.println("= " + c.apply(3));
        Fn1<String, Integer> r1 = String::length;
        var len = memo(s, "len", r1);
        System.out.println("= " + len.apply("hello"));
        Fn1<String, Integer> r2 = String::hashCode;
        var len = memo(s, "len", r2);
        System.out.println("= " + len.apply("hello"));
        System.out.println("= " + f.info().keyedBy().replaceAll("code \\\\w+: ", ""));
        """);
    assertEquals(List.of("f MISS", "= 6", "f MISS", "= 8", "f MISS", "= 10", "w MISS", "= 3", "w MISS", "= 15",
        "c MISS", "= 6", "c MISS", "= 21", "len MISS", "= 5", "memokit: len: code changed since its 1 cell was stored",
        "len MISS", "= 99162322",
        "= its lambda's code and what it calls (1 method); reads at each call variable k"),
        kinds(first), String.join("\n", first));

    // Another session, other snippet numbers: equal values hit, unequal ones never do.
    List<String> second = sessions.run("""
        int a = 1;
        String b = "two";
        record Unrelated(int z) {}
        """ + DEFINE + """
        System.out.println("= " + f.apply(2));
        k = 4;
        System.out.println("= " + f.apply(2));
        k = 6;
        System.out.println("= " + f.apply(2));
        System.out.println("= " + w.apply(3));
        weights.set(0, 5);
        System.out.println("= " + w.apply(3));
        captured.set(1, 7);
        System.out.println("= " + c.apply(3));
        Fn1<String, Integer> r1 = String::length;
        var len = memo(s, "len", r1);
        System.out.println("= " + len.apply("hello"));
        """);
    assertEquals(List.of("f HIT", "= 6", "f HIT", "= 8", "f MISS", "= 12", "w HIT", "= 3", "w HIT", "= 15",
        "c HIT", "= 21", "len HIT", "= 5"), kinds(second), String.join("\n", second));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aValueWithNoKeyIsSaidOnceAndIgnoredVariablesNeverSplitCells(StoreKind kind) throws Exception {
    JShellSessions sessions = new JShellSessions(tmp, kind.location(tmp));
    List<String> out = sessions.run("""
        var worker = new Thread(() -> {});
        boolean verbose = false;
        var g = memo(s, "g", (Integer x) -> { if (verbose) System.out.println("computing " + x); return x + (worker.isAlive() ? 1 : 0); });
        System.out.println("= " + g.apply(1));
        System.out.println("= " + g.apply(1));
        var quiet = g.ignoring("worker", "verbose");
        System.out.println("= " + quiet.apply(2));
        verbose = true;
        System.out.println("= " + quiet.apply(2));
        System.out.println("= " + g.apply(2));
        """);
    assertEquals(List.of("memokit: g reads variable worker (java.lang.Thread), which has no canonical key: its cells "
            + "count it by its type only, so a change of its value is not seen", "g MISS", "= 1", "g HIT", "= 1",
        "g MISS", "= 2", "g HIT", "= 2", "g MISS", "computing 2", "= 2"),
        kinds(out), String.join("\n", out));
    assertTrue(out.stream().anyMatch(l -> l.contains("g.ignoring(\"worker\")")), String.join("\n", out));
  }

  /** Events without their cell numbers (the store's numbering differs by backend), values, notices, and the function's own prints. */
  private static List<String> kinds(List<String> lines) {
    List<String> seen = new java.util.ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("computing ")) seen.add(l);
      for (String s : JShellSessions.seen(List.of(l))) seen.add(s.replaceAll("\\(\\d+\\)$", ""));
    }
    return seen;
  }
}
