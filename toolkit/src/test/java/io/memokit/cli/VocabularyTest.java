package io.memokit.cli;

import static io.memokit.Memo.memo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Memo;
import io.memokit.MemoStore;
import io.memokit.display.Html;
import io.memokit.display.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One store rendered three ways, the API's text forms ({@code info()}, {@code cells()}), a
 * notebook's HTML tables and the command line's tables, in the same words, units and time zone.
 */
class VocabularyTest {

  @TempDir
  Path dir;

  private static String cli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8)));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A table's lines split into columns (two spaces or more apart). */
  private static List<List<String>> table(String text) {
    return text.lines().map(l -> Arrays.asList(l.split(" {2,}"))).toList();
  }

  @Test
  void theApiTheNotebookAndTheCommandLineSayTheSameThings() throws Exception {
    Path location = dir.resolve("store");
    try (MemoStore s = Memo.store(location)) {
      var f = memo(s, "voc.f", (Integer x) -> {
        if (x < 0) throw new IllegalArgumentException("negative");
        return new byte[2000 * x];
      });
      f.apply(1);
      f.apply(1);
      f.apply(2);
      try {
        f.apply(-1);
      } catch (IllegalArgumentException stored) {
        // a stored exception, as a cell
      }
      // As any process sees the block (the defining process's f.info() adds why it is keyed so).
      BlockInfo info = s.block("voc.f").info();
      List<CellInfo> cells = f.cells();
      List<String> blockRow = Vocabulary.blockRow(info);

      // The command line: the same columns and values.
      List<List<String>> blocks = table(cli("blocks", location.toString()));
      assertEquals(Vocabulary.BLOCK_COLUMNS, blocks.get(0));
      assertEquals(blockRow, blocks.get(1));
      List<String> cellLines = cli("cells", location.toString(), "voc.f").lines().skip(1).toList();
      List<List<String>> cellTable = table(String.join("\n", cellLines));
      assertEquals(Vocabulary.CELL_COLUMNS, cellTable.get(0));
      for (int i = 0; i < cells.size(); i++) {
        List<String> row = Vocabulary.cellRow(cells.get(i));
        List<String> printed = cellTable.get(i + 1);
        assertEquals(row.subList(0, printed.size()), printed, "cell " + cells.get(i).id() + " (an empty last hit ends the line)");
      }

      // The notebook: the same columns, in the same order, and the same values.
      String html = Html.blocks(List.of(info)) + Html.cells(cells);
      for (String column : Vocabulary.BLOCK_COLUMNS) assertTrue(html.contains(">" + column + "<"), column);
      for (String column : Vocabulary.CELL_COLUMNS) assertTrue(html.contains(">" + column + "<"), column);
      for (String value : blockRow) assertTrue(html.contains(Html.esc(value)), value);

      // The API's text forms: the same words for the same values.
      String text = info.toString();
      assertTrue(text.startsWith(info.blockName() + " "), text);
      assertTrue(text.contains(" hits=" + info.hits() + " ") && text.contains(" misses=" + info.misses() + " ")
          && text.contains(" cells=" + info.size() + " ") && text.contains(" maxsize=" + info.maxsize() + " ")
          && text.contains(" errors=1 ") && text.contains(" computing=0 ")
          && text.contains(" bytes=" + Vocabulary.bytes(info.bytes())), text);
      for (CellInfo c : cells) {
        List<String> row = Vocabulary.cellRow(c);
        String t = c.toString();
        assertTrue(t.startsWith("cell " + c.id() + " " + row.get(1) + " "), t);
        assertTrue(t.contains(" " + row.get(2) + " hits=") && t.contains(" bytes=" + row.get(4) + " ")
            && t.contains(" written by=" + row.get(7) + " ") && t.endsWith(" last hit=" + row.get(8)), t);
        assertEquals(System.getProperty("user.name") + "@" + c.origin().host(), row.get(7), "who wrote it, where");
      }
      assertTrue(cells.stream().anyMatch(c -> c.hits() == 0 && c.toString().endsWith("last hit=")),
          "a cell never hit has no last hit, in every form: " + cells);
    }
  }
}
