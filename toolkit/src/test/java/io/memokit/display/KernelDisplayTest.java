package io.memokit.display;

import static io.memokit.Memo.expr;
import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Expr;
import io.memokit.Memo.MemoFn1;
import io.memokit.MemoStore;
import io.memokit.cell.Sweep;
import io.memokit.display.Kernels.Bundle;
import io.memokit.display.Kernels.Kernel;
import io.memokit.display.Kernels.Library;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * memokit's renderings in the display libraries of IJava (jupyter-jvm-basekernel) and JJava
 * (jjava-jupyter), each the real library: real memokit objects rendered by the library's own
 * Renderer give an HTML table and a readable plain text, by hand ({@code BaseKernelDisplay.register})
 * and by themselves inside a running kernel ({@link NotebookKernels}), progress bar included.
 */
class KernelDisplayTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir
  Path dir;

  private MemoStore store;
  private MemoFn1<Integer, Integer> square;
  private String label;

  @BeforeEach
  void aFunctionAfterAMissAndAHit() {
    store = store(dir.resolve("store"));
    String name = "kernelDisplaySquare" + NAMES.incrementAndGet();
    square = memo(store, name, (Integer x) -> x * x);
    assertEquals(9, square.apply(3)); // miss
    assertEquals(9, square.apply(3)); // hit
    label = name + "(1)";
  }

  static List<Library> libraries() {
    return Kernels.libraries();
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void theStoreIsATableInHtmlAndAlignedColumnsInText(Library library) {
    library.register();
    Bundle b = library.render(store);

    assertTrue(b.html().contains("<table"), b.html());
    assertTrue(b.html().contains("memokit store"), b.html());
    assertTrue(b.html().contains(square.name()), b.html());

    List<String> lines = b.text().lines().toList();
    assertEquals("memokit store " + store.path() + " - 1 block", lines.get(0));
    assertTrue(lines.get(1).startsWith("block") && lines.get(1).contains("hits") && lines.get(1).contains("misses"),
        b.text());
    List<String> row = List.of(lines.get(2).split(" {2,}"));
    assertEquals(square.info().blockName(), row.get(0), b.text());
    assertEquals(List.of("1", "1", "1"), row.subList(2, 5), "hits, misses, cells: " + b.text());
    assertFalse(b.text().contains("<"), b.text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void aMemoizedFunctionShowsItsBlockAndCells(Library library) {
    library.register();
    Bundle b = library.render(square);

    assertTrue(b.html().contains("<b>" + label + "</b>"), b.html());
    assertTrue(b.html().indexOf("<table") != b.html().lastIndexOf("<table"), "a block table and a cell table");

    List<String> lines = b.text().lines().toList();
    assertEquals(label + " in " + store.path(), lines.get(0));
    assertTrue(lines.get(1).startsWith("block"), b.text());
    assertTrue(lines.get(3).startsWith("cell") && lines.get(3).contains("last hit"), b.text());
    assertTrue(lines.get(4).matches("1 +\\(3\\) +value +1 +\\d+ B .* \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), b.text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void theCellsAreATableNotAListsToString(Library library) {
    library.register();
    Bundle b = library.render(square.cells());

    assertTrue(b.html().startsWith("<table") && b.html().contains("value"), b.html());
    assertTrue(b.text().startsWith("cell"), b.text());
    assertFalse(b.text().startsWith("[") || b.text().contains("List") || b.text().contains("CellInfo"), b.text());
    assertEquals(2, b.text().lines().count(), b.text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void anExpressionIsATreeAndItsDefinition(Library library) {
    library.register();
    Expr<Integer> e = expr(square, 4);

    Bundle lazy = library.render(e);
    assertTrue(lazy.html().contains("memokit-expr") && lazy.html().contains("<i>lazy</i>"), lazy.html());
    assertEquals("expr " + square.name() + "(4)[lazy]", lazy.text());

    assertEquals(16, e.get());
    Bundle done = library.render(e);
    assertTrue(done.html().contains("<i>incarnated</i>"), done.html());
    assertEquals("expr " + square.name() + "(4)[incarnated]", done.text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void aProgressBarIsABarAndItsCounts(Library library) {
    library.register();
    Progress p = Progress.of(square, 2);
    square.apply(3);
    square.apply(5);

    Bundle running = library.render(p);
    assertTrue(running.html().contains("width:320px") && running.html().contains("2/2 calls"), running.html());
    assertEquals(label + ": 2/2 calls, 1 hits, 1 misses", running.text());

    p.close();
    assertEquals(label + ": 2/2 calls, 1 hits, 1 misses (done)", library.render(p).text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void aSweepsBarCountsItsInputsHitComputedHereAndComputedElsewhere(Library library) {
    library.register();
    Progress p = Progress.ofSweep(label, 4);
    p.resolved(Sweep.Source.HIT);
    p.resolved(Sweep.Source.COMPUTED_HERE);
    p.resolved(Sweep.Source.COMPUTED_ELSEWHERE);
    p.resolved(Sweep.Source.COMPUTED_ELSEWHERE);

    Bundle running = library.render(p);
    assertTrue(running.html().contains("4/4 inputs, 1 hit, 1 computed here, 2 computed elsewhere"), running.html());
    assertTrue(running.html().contains("width:25%;background:#4caf50") && running.html().contains(
        "width:25%;background:#ff9800") && running.html().contains("width:50%;background:#2196f3"), running.html());
    assertEquals(label + ": 4/4 inputs, 1 hit, 1 computed here, 2 computed elsewhere", running.text());
    assertEquals(List.of(1L, 1L, 2L), List.of(p.hits(), p.misses(), p.computedElsewhere()));

    p.close();
    assertEquals(label + ": 4/4 inputs, 1 hit, 1 computed here, 2 computed elsewhere (done)", library.render(p).text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void insideARunningKernelASweepShowsItsBar(Library library) {
    try (Kernel kernel = library.start()) {
      store(dir.resolve("another")); // registers memokit's renderings with this kernel
      assertEquals(List.of(0, 1, 4, 9), square.map(List.of(0, 1, 2, 3)));
      List<Bundle> displayed = kernel.displayed();
      assertEquals(1, displayed.size(), "one output, then updated in place: " + displayed);
      assertNotNull(displayed.get(0).displayId(), "an id to update it by");
      assertEquals(label + ": 0/4 inputs, 0 hit, 0 computed here, 0 computed elsewhere", displayed.get(0).text());
    }
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void otherObjectsRenderAsBefore(Library library) {
    library.register();
    library.register(); // a second registration changes nothing

    Bundle strings = library.render(List.of("a", "b"));
    assertNull(strings.html());
    assertEquals("[a, b]", strings.text());

    Bundle empty = library.render(List.of());
    assertNull(empty.html());
    assertEquals("[]", empty.text());

    Bundle asText = library.renderAs(store, "text/plain");
    assertNull(asText.html(), "only the type asked for");
    assertTrue(asText.text().startsWith("memokit store "), asText.text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void withoutRegistrationTheLibraryShowsToString(Library library) {
    Bundle b = library.render(square.cells());
    assertNull(b.html());
    assertEquals(square.cells().toString(), b.text());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void insideARunningKernelMemokitRegistersItselfAndShowsProgressInPlace(Library library) {
    try (Kernel kernel = library.start()) {
      assertNull(kernel.render(square).html(), "memokit loaded before this kernel was current");
      store(dir.resolve("another")); // opening a store registers memokit's renderings (as Memo's loading does)

      Bundle shown = kernel.render(square);
      assertTrue(shown.html().contains("<table"), shown.html());
      assertTrue(shown.text().startsWith(label + " in "), shown.text());

      try (Progress p = Progress.of(square, 3)) {
        for (int i = 0; i < 3; i++) square.apply(i);
        assertEquals(3, p.hits() + p.misses());
      }
      List<Bundle> displayed = kernel.displayed();
      assertEquals(1, displayed.size(), "one output, then updated in place: " + displayed);
      Bundle bar = displayed.get(0);
      assertNotNull(bar.displayId(), "an id to update it by");
      assertTrue(bar.html().contains("width:320px") && bar.html().contains("0/3 calls"), bar.html());
      assertEquals(label + ": 0/3 calls, 0 hits, 0 misses", bar.text());

      String said = NotebookKernels.install();
      assertTrue(said.endsWith("registered with its renderer"), said);
      assertTrue(library.toString().contains(said.substring(0, said.indexOf(' '))), said + " / " + library);
    }
  }

  @Test
  void theRapaioKernelGetsTheSameRenderingsProgressIncluded() {
    List<org.rapaio.jupyter.kernel.display.DisplayRenderer> renderers = new RapaioDisplayProvider().getDisplayRenderers();
    assertEquals(Rendering.TYPES.stream().map(t -> t == List.class ? java.util.Collection.class : t).toList(),
        renderers.stream().map(r -> r.rendererClass()).toList().subList(0, Rendering.TYPES.size()));
    try (Progress p = Progress.of(square, 1)) {
      square.apply(3);
      for (Object o : List.of(store, square, square.cells(), expr(square, 4), p)) {
        var renderer = renderers.stream().filter(r -> r.rendererClass().isInstance(o)).findFirst().orElseThrow();
        Object html = renderer.render("text/html", o).data().get("text/html");
        assertEquals(Rendering.of(o).html(), html, "the same HTML as in IJava and JJava, for " + o);
      }
    }
  }

  /** The rapaio kernel's own display service, which finds memokit's renderers as in the kernel. */
  private static java.util.Map<String, Object> rapaio(Object o) {
    return org.rapaio.jupyter.kernel.display.DisplaySystem.inst().render(o).data();
  }

  private static java.util.Map<String, Object> rapaio(String mime, Object o) {
    return org.rapaio.jupyter.kernel.display.DisplaySystem.inst().render(mime, o).data();
  }

  @Test
  void inRapaioAMemokitObjectIsItsHtmlWithItsText() {
    for (Object o : List.of(store, square, square.cells(), expr(square, 4))) {
      Rendering r = Rendering.of(o);
      assertEquals(java.util.Map.of("text/html", r.html(), "text/plain", r.text()), rapaio(o), "for " + o);
      assertEquals(java.util.Map.of("text/plain", r.text()), rapaio("text/plain", o), "asked for text: " + o);
    }
  }

  record Point(int x, int y) {}

  @Test
  void inRapaioOtherValuesAreTheirPlainTextAsInIJava() {
    assertEquals(java.util.Map.of("text/plain", "[1, 2]"), rapaio(List.of(1, 2)), "not List12{size:2,[1,2]}");
    assertEquals(java.util.Map.of("text/plain", "[a]"), rapaio(java.util.Set.of("a")));
    assertEquals(java.util.Map.of("text/plain", "[]"), rapaio(List.of()));
    assertEquals(java.util.Map.of("text/plain", "42"), rapaio(42));
    assertEquals(java.util.Map.of("text/plain", "two\nlines <b>"), rapaio("two\nlines <b>"), "a string as it is");
    assertEquals(java.util.Map.of("text/plain", "Point[x=1, y=2]"), rapaio(new Point(1, 2)));
  }

  @Test
  void inRapaioWhatTheKernelDrawsAndWhatIsAskedForStayTheKernels() {
    assertTrue(String.valueOf(rapaio(java.util.Map.of("a", 1)).get("text/html")).contains("<table"), "a map is a table");
    assertEquals(java.util.Map.of("text/html", "<b>bold</b>"), rapaio("text/html", "<b>bold</b>"));
    assertEquals("List12{size:2,[1,2]}", rapaio("text/html", List.of(1, 2)).get("text/html"), "asked for HTML");
    var image = new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
    assertTrue(rapaio(image).containsKey("image/png"), "an image is a PNG");
  }

  @Test
  void outsideAKernelNothingIsRegistered() {
    String said = NotebookKernels.install();
    assertTrue(said.startsWith("no IJava or JJava kernel runs in this JVM"), said);
  }
}
