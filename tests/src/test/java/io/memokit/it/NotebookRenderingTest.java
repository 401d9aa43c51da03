package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10: the committed notebooks as a reader sees them. Each {@code notebooks/*.ipynb}, as
 * committed (executed, with its outputs), converted to HTML by nbconvert as GitHub or a user would,
 * shows no leftovers of how it was made: no {@code MD} before its markdown (a heading rendered as
 * text), no absolute path of the machine it ran on, no rapaio default rendering of a value
 * ({@code List12{size:2,[...]}}), no raw ANSI escape codes; every code cell ran, none failed, and
 * every HTML output carries a {@code text/plain} beside it (for consoles and text exports). Needs
 * Jupyter's nbconvert ({@code kernel-setup/install.sh}); runs no kernel.
 */
@Tag("both-jdks")
class NotebookRenderingTest {

  private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.:/])/(work|tmp|home|root|Users|var|check)/");
  private static final Pattern DEFAULT_RENDERING = Pattern.compile("\\b\\w+\\d*[\\[{]size:\\d");
  private static final Pattern ANSI_LEFTOVER = Pattern.compile("\u001b|\\\\u001[bB]|\\[\\d{1,3}(;\\d{1,3})*m(?!\\w)");

  @TempDir
  static Path html;

  static List<String> notebooks() throws Exception {
    try (Stream<Path> files = Files.list(Notebooks.ROOT.resolve("notebooks"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb")).sorted().toList();
      assertTrue(names.size() >= 4, "the notebooks: " + names);
      return names;
    }
  }

  @BeforeAll
  static void convertedToHtml() throws Exception {
    List<String> command = new ArrayList<>(List.of(Notebooks.python(), "-m", "nbconvert", "--to", "html", "--output-dir",
        html.toString()));
    for (String nb : notebooks()) command.add(Notebooks.ROOT.resolve("notebooks").resolve(nb).toString());
    String out = run(command);
    for (String nb : notebooks()) {
      assertTrue(Files.exists(html(nb)), "nbconvert wrote no " + html(nb) + " (is Jupyter's nbconvert installed? "
          + "kernel-setup/install.sh installs it):\n" + out);
    }
  }

  private static Path html(String notebook) {
    return html.resolve(notebook.replaceAll("\\.ipynb$", ".html"));
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command + "\n" + out);
    assertEquals(0, p.exitValue(), command + "\n" + out);
    return out;
  }

  /**
   * The notebook's cells as nbformat reads them, one line each: {@code markdown I FIRST-LINE},
   * {@code code I EXECUTION-COUNT}, and per output {@code output I TYPE MIME,MIME...}.
   */
  private static List<String> cells(String notebook) throws Exception {
    return run(List.of(Notebooks.python(), "-c", String.join("\n",
        "import sys, nbformat",
        "nb = nbformat.read(sys.argv[1], as_version=4)",
        "for i, c in enumerate(nb.cells):",
        "    if c.cell_type == 'markdown':",
        "        print('markdown', i, (c.source.splitlines() or [''])[0])",
        "    elif c.cell_type == 'code':",
        "        print('code', i, c.execution_count)",
        "        for o in c.outputs:",
        "            print('output', i, o.output_type, ','.join(sorted(o.get('data', {}))))"),
        Notebooks.ROOT.resolve("notebooks").resolve(notebook).toString())).lines().toList();
  }

  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      int from = Math.max(0, m.start() - 60);
      found.add(text.substring(from, Math.min(text.length(), m.end() + 60)).replace("\n", "\\n"));
    }
    return found;
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void markdownCellsAreMarkdownWithoutAPrefix(String notebook) throws Exception {
    List<String> markdown = cells(notebook).stream().filter(l -> l.startsWith("markdown ")).toList();
    assertTrue(!markdown.isEmpty(), notebook + " has text for its reader");
    assertTrue(markdown.stream().noneMatch(l -> l.matches("markdown \\d+ MD.*")), "cells starting with MD: " + markdown);
    String page = Files.readString(html(notebook));
    assertEquals(List.of(), matches(Pattern.compile(">\\s*MD[#\\s]|MD#"), page), "MD prefixes in the HTML");
    assertTrue(page.contains("<h1"), notebook + ": its title renders as a heading");
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void noAbsolutePathOfTheMachineItRanOn(String notebook) throws Exception {
    String ipynb = Files.readString(Notebooks.ROOT.resolve("notebooks").resolve(notebook));
    assertEquals(List.of(), matches(ABSOLUTE_PATH, ipynb), notebook + ": absolute paths in its sources or outputs");
    assertEquals(List.of(), matches(ABSOLUTE_PATH, Files.readString(html(notebook))), notebook + ": in its HTML");
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void valuesShowPlainlyWithoutEscapes(String notebook) throws Exception {
    for (String text : List.of(Files.readString(Notebooks.ROOT.resolve("notebooks").resolve(notebook)),
        Files.readString(html(notebook)))) {
      assertEquals(List.of(), matches(DEFAULT_RENDERING, text), notebook + ": the kernel's default rendering of values");
      assertEquals(List.of(), matches(ANSI_LEFTOVER, text), notebook + ": raw ANSI escape codes");
    }
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void everyCellRanAndEveryHtmlOutputHasItsText(String notebook) throws Exception {
    List<String> cells = cells(notebook);
    assertTrue(cells.stream().anyMatch(l -> l.startsWith("output ")), notebook + " is committed with its outputs");
    assertEquals(List.of(), cells.stream().filter(l -> l.matches("code \\d+ None")).toList(),
        notebook + ": code cells that never ran");
    assertEquals(List.of(), cells.stream().filter(l -> l.matches("output \\d+ error.*")).toList(), notebook + ": errors");
    assertEquals(List.of(), cells.stream()
        .filter(l -> l.matches("output .*\\btext/html\\b.*") && !l.matches("output .*\\btext/plain\\b.*")).toList(),
        notebook + ": HTML outputs without text/plain");
  }

  @Test
  void theTwoKernelNotebooksShowBWaitingThenHitting() throws Exception {
    String b = Files.readString(html("kernel-b.ipynb"));
    for (String block : List.of("slow(1)", "failing(1)")) {
      int wait = b.indexOf(block + "&gt; WAIT(");
      int hit = b.indexOf(block + "&gt; HIT(");
      assertTrue(wait > 0 && hit > wait, "kernel-b shows " + block + " WAIT, then HIT");
    }
  }
}
