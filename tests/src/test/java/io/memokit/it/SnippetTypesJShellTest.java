package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records and enums defined in JShell snippets, returned at any depth by a memoized function, read
 * back in another session whose snippet numbers differ, and after the type is redefined; a session
 * whose type has another shape is told once, in words, and the stored cell stays. A snippet class
 * whose readObject restores a transient field is read back there by its readObject.
 */
@Tag("both-jdks")
class SnippetTypesJShellTest {

  @TempDir
  Path tmp;

  private static final String TYPES = """
      enum Kind { SMALL, LARGE }
      record Pt(int x, int y) {}
      record Shape(String name, List<Pt> corners, Map<Kind, Pt> marks, Pt[] extra) {}
      """;
  private static final String FUNCTION = """
      Shape makeShape(int n) {
        List<Pt> corners = new ArrayList<>();
        for (int i = 0; i < n; i++) corners.add(new Pt(i, i * i));
        return new Shape("shape" + n, corners, new TreeMap<>(Map.of(Kind.SMALL, corners.get(0))), new Pt[] {new Pt(7, 7)});
      }
      var shapes = memo(s, "shapes", (Integer n) -> makeShape(n));
      """;
  private static final String SHOW = """
      var got = shapes.apply(3);
      System.out.println("= " + got.name() + " " + got.corners() + " " + got.marks() + " " + got.extra()[0]);
      System.out.println("= " + (got.corners().get(1) instanceof Pt) + " " + (got.marks().keySet().iterator().next() == Kind.SMALL));
      """;
  private static final String VALUE = "= shape3 [Pt[x=0, y=0], Pt[x=1, y=1], Pt[x=2, y=4]] {SMALL=Pt[x=0, y=0]} Pt[x=7, y=7]";

  @Test
  void snippetTypesCrossSessionsWhateverTheirSnippetNumbers() throws Exception {
    JShellSessions jshell = new JShellSessions(tmp);
    List<String> first = jshell.run(TYPES + FUNCTION + SHOW);
    assertEquals(List.of("shapes MISS(1)", VALUE, "= true true"), JShellSessions.seen(first), String.join("\n", first));

    // Another session: other snippet numbers, the types declared in another order; then the types
    // defined again (a notebook cell run again: new classes) and the values read as the new ones.
    List<String> second = jshell.run("""
        int unrelated = 1;
        String more = "snippets";
        record Pt(int x, int y) {}
        enum Kind { SMALL, LARGE }
        record Shape(String name, List<Pt> corners, Map<Kind, Pt> marks, Pt[] extra) {}
        """ + FUNCTION + SHOW + TYPES + FUNCTION + SHOW + """
        System.out.println("= " + (shapes.apply(3).corners().get(0).getClass() == new Pt(0, 0).getClass()));
        """);
    assertEquals(List.of("shapes HIT(1)", VALUE, "= true true", "shapes HIT(1)", VALUE, "= true true", "shapes HIT(1)",
        "= true"), JShellSessions.seen(second), String.join("\n", second));
  }

  /**
   * On a store others can write (a group-writable directory, a PostgreSQL database), records and
   * enums of snippets still cross sessions: they are in the classes read by default. A snippet class
   * rebuilt field by field by its readObject is not (its code would run on bytes others chose): the
   * other session says so once and computes it.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void onATeamStoreRecordsAndEnumsCrossSessionsAndPlainClassesAreComputedHere(StoreKind kind) throws Exception {
    String location = kind.location(tmp);
    if (kind == StoreKind.DIRECTORY) {
      Files.setPosixFilePermissions(Files.createDirectory(Path.of(location)),
          PosixFilePermissions.fromString("rwxrwx---")); // as its owner shares it: chmod g+w
    }
    JShellSessions jshell = new JShellSessions(tmp, location);
    List<String> first = jshell.run(TYPES + FUNCTION + SHOW + CELLS + TAGS);
    assertEquals(List.of("shapes MISS(1)", VALUE, "= true true", "tags MISS(2)", "tags HIT(2)",
        "= solo:Cell(4 doubled 8) true"), JShellSessions.seen(first), String.join("\n", first));
    List<String> second = jshell.run("int unrelated = 1;\n" + TYPES + FUNCTION + SHOW + CELLS + TAGS);
    List<String> seen = JShellSessions.seen(second);
    assertEquals(List.of("shapes HIT(1)", VALUE, "= true true"), seen.subList(0, 3), String.join("\n", second));
    assertTrue(seen.get(3).startsWith("memokit: tags(1): a stored value is not read in this process: it holds a Tagged")
        && String.join("\n", second).contains("store.allowOnlyClasses(\"Tagged\")"), String.join("\n", second));
    List<String> allowed = jshell.run("s.allowOnlyClasses(\"Tagged\", \"Cell\");\n" + CELLS + TAGS);
    assertEquals(List.of("tags HIT(2)", "tags HIT(2)", "= solo:Cell(4 doubled 8) true"), JShellSessions.seen(allowed),
        "a snippet class is allowed by its own name: " + String.join("\n", allowed));
    assertEquals(List.of("= solo:Cell(4 doubled 8) true"), seen.subList(4, seen.size()), String.join("\n", second));
  }

  private static final String CELLS = """
      class Cell implements Serializable {
        final int value;
        transient int doubled;
        Cell(int value) { this.value = value; this.doubled = 2 * value; }
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
          in.defaultReadObject();
          doubled = 2 * value;
        }
        public String toString() { return "Cell(" + value + " doubled " + doubled + ")"; }
      }
      class Tagged extends Cell {
        final String tag;
        Tagged(int value, String tag) { super(value); this.tag = tag; }
        public String toString() { return tag + ":" + super.toString(); }
      }
      record Sheet(String name, List<Cell> cells) {}
      """;
  private static final String TAGS = """
      var tags = memo(s, "tags", (Integer n) -> new Tagged(n, "solo"));
      tags.apply(4);
      var tag = tags.apply(4);
      System.out.println("= " + tag + " " + (tag.getClass() == Tagged.class));
      """;
  private static final String SHEETS = """
      var sheets = memo(s, "sheets",
          (Integer n) -> new Sheet("sheet" + n, List.of(new Cell(n), new Tagged(n + 1, "t"))));
      var sheet = sheets.apply(21);
      System.out.println("= " + sheet + " " + sheet.cells().get(0).doubled + " "
          + (sheet.cells().get(0).getClass() == Cell.class));
      """;

  @Test
  void aSnippetClassWhoseReadObjectRestoresATransientFieldIsReadByIt() throws Exception {
    JShellSessions jshell = new JShellSessions(tmp);
    String sheet = "= Sheet[name=sheet21, cells=[Cell(21 doubled 42), t:Cell(22 doubled 44)]] 42 true";
    List<String> first = jshell.run(CELLS + TAGS + SHEETS);
    assertEquals(List.of("tags MISS(1)", "tags HIT(1)", "= solo:Cell(4 doubled 8) true", "sheets MISS(2)", sheet),
        JShellSessions.seen(first), String.join("\n", first));

    // Another session: other snippet numbers, the classes declared in another order.
    List<String> second = jshell.run("""
        int unrelated = 1;
        String more = "snippets";
        double andMore = 2.5;
        """ + CELLS.substring(CELLS.indexOf("record Sheet")) + CELLS.substring(0, CELLS.indexOf("record Sheet"))
        + TAGS + SHEETS);
    assertEquals(List.of("tags HIT(1)", "tags HIT(1)", "= solo:Cell(4 doubled 8) true", "sheets HIT(2)", sheet),
        JShellSessions.seen(second), String.join("\n", second));
  }

  @Test
  void aTypeOfAnotherShapeIsToldOnceAndTheStoredCellStays() throws Exception {
    JShellSessions jshell = new JShellSessions(tmp);
    // A version decides, not the code: Pt's second component renamed under the same version gives
    // stored values that do not fit this session's Pt.
    String versioned = FUNCTION.replace("memo(s, \"shapes\", (Integer n) -> makeShape(n))",
        "memo(s, version(\"shapes\", 1, (Integer n) -> makeShape(n)))");
    jshell.run(TYPES + versioned + SHOW);
    List<String> other = jshell.run(TYPES.replace("record Pt(int x, int y)", "record Pt(int x, int height)")
        + versioned + SHOW + SHOW.replace("var got", "got"));
    String other3 = "= shape3 [Pt[x=0, height=0], Pt[x=1, height=1], Pt[x=2, height=4]] {SMALL=Pt[x=0, height=0]} "
        + "Pt[x=7, height=7]";
    assertEquals(List.of("memokit: shapes{1}(1): cannot read its stored values in this process: the stored value holds "
        + "record Pt(x, y), but Pt here is Pt(x, height)", other3, "= true true", other3, "= true true"),
        JShellSessions.seen(other), String.join("\n", other));
    List<String> again = jshell.run(TYPES + versioned + SHOW);
    assertEquals(List.of("shapes HIT(1)", VALUE, "= true true"), JShellSessions.seen(again), String.join("\n", again));
  }
}
