package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Code-change awareness as a JShell user meets it: real {@code bin/jshell} sessions, one after the
 * other, on one store (a directory; the first test on PostgreSQL too). The same definitions in a session whose snippet numbers differ hit; an edited
 * function (or a helper it calls, edited in an earlier snippet, even after the function was defined)
 * computes anew and, when the former code ran in that session, says so once; reverting the edit hits the old cells; an explicit version decides
 * instead of the code; a method reference into the JDK is keyed by its target, and {@code info()} says so.
 */
@Tag("both-jdks")
class CodeChangeJShellTest {

  @TempDir
  Path tmp;

  /** The store the sessions share: a directory unless a test says otherwise. */
  private String location;

  private List<String> session(String script) throws Exception {
    return (location == null ? new JShellSessions(tmp) : new JShellSessions(tmp, location)).run(script);
  }

  private static List<String> seen(List<String> lines) {
    return JShellSessions.seen(lines);
  }

  private static final String DEFINE = """
      int helper(int x) { return x + 1; }
      var sq = memo(s, "sq", (Integer x) -> helper(x) * x);
      """;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void editsAreNoticedAcrossSessionsWhateverTheSnippetNumbers(StoreKind kind) throws Exception {
    location = kind.location(tmp);
    List<String> first = session(DEFINE + """
        System.out.println("= " + sq.apply(4));
        System.out.println("= " + sq.apply(5));
        """);
    assertEquals(List.of("sq MISS(1)", "= 20", "sq MISS(2)", "= 30"), seen(first), String.join("\n", first));

    // Another session, with other snippet numbers before the same definitions: the cells are shared.
    List<String> shifted = session("""
        int a = 1;
        String b = "two";
        double c = 3.0;
        record Unrelated(int z) {}
        """ + DEFINE + """
        System.out.println("= " + sq.apply(4));
        System.out.println("= " + sq.apply(5));
        """);
    assertEquals(List.of("sq HIT(1)", "= 20", "sq HIT(2)", "= 30"), seen(shifted), String.join("\n", shifted));

    // Another definition under the same name, in a session that never ran the former code (another
    // kernel's code, as far as it knows): computed anew without a word; then the first code: its cells.
    List<String> edited = session("""
        int helper(int x) { return x + 1; }
        var sq = memo(s, "sq", (Integer x) -> helper(x) * x * x);
        System.out.println("= " + sq.apply(4));
        System.out.println("= " + sq.apply(4));
        System.out.println("= " + sq.apply(5));
        var sq = memo(s, "sq", (Integer x) -> helper(x) * x);
        System.out.println("= " + sq.apply(4));
        """);
    assertEquals(List.of("sq MISS(3)", "= 80",
        "sq HIT(3)", "= 80", "sq MISS(4)", "= 150", "sq HIT(1)", "= 20"), seen(edited), String.join("\n", edited));

    // A helper edited in an earlier snippet after the function was defined: JShell redefines the
    // helper's class in place, so sq runs the new helper, and memokit notices before the next call;
    // an edit made here, so it says so, counting the cells of the code this session ran.
    List<String> helperEdited = session(DEFINE + """
        System.out.println("= " + sq.apply(4));
        int helper(int x) { return x + 2; }
        System.out.println("= " + sq.apply(4));
        System.out.println("= " + sq.apply(4));
        System.out.println("= " + s.blocks().size());
        System.out.println("= " + s.clearObsolete());
        System.out.println("= " + s.blocks().size());
        """);
    assertEquals(List.of("sq HIT(1)", "= 20", "memokit: sq: code changed since its 2 cells were stored",
        "sq MISS(5)", "= 24", "sq HIT(5)", "= 24", "= 3", "= 2", "= 1"), seen(helperEdited),
        String.join("\n", helperEdited));
  }

  @Test
  void anExplicitVersionDecidesAndAJdkReferenceIsKeyedByItsTarget() throws Exception {
    List<String> first = session("""
        var vq = memo(s, version("vq", 1, (Integer x) -> x * x));
        System.out.println("= " + vq.apply(3));
        Fn1<String, Integer> parse = Integer::parseInt;
        var p = memo(s, "parse", parse);
        System.out.println("= " + p.apply("12"));
        System.out.println("= " + p.info().keyedBy().replaceAll("code [0-9a-f]{16}", "code HASH"));
        System.out.println("= " + vq.info().keyedBy());
        """);
    assertEquals(List.of("vq MISS(1)", "= 9", "parse MISS(2)", "= 12",
        "= code HASH: a reference to JDK method java.lang.Integer::parseInt(Ljava/lang/String;)I, keyed by its target",
        "= version 1"), seen(first), String.join("\n", first));

    // A refactor under the same version keeps the week of results: the version decides, not the code.
    List<String> refactored = session("""
        int square(int x) { return x * x; }
        var vq = memo(s, version("vq", 1, (Integer x) -> square(x)));
        System.out.println("= " + vq.apply(3));
        var vq = memo(s, version("vq", 2, (Integer x) -> square(x) + 1));
        System.out.println("= " + vq.apply(3));
        """);
    assertEquals(List.of("vq HIT(1)", "= 9", "vq MISS(3)", "= 10"), seen(refactored), String.join("\n", refactored));
  }
}
