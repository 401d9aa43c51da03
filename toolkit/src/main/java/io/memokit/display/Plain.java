package io.memokit.display;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.cell.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text renderings: the {@code text/plain} that goes with {@link Html}'s {@code text/html} in a
 * notebook's output (a console, a text export or a front end without HTML shows it). The same
 * tables as the HTML, as aligned columns.
 */
public final class Plain {

  private Plain() {}

  static String store(String location, List<BlockInfo> blocks) {
    String head = "memokit store " + Trace.shown(location) + " - " + blocks.size() + " block" + (blocks.size() == 1 ? "" : "s");
    return blocks.isEmpty() ? head : head + "\n" + blocks(blocks);
  }

  static String memoized(BlockInfo info, boolean cacheOnly, String store, List<CellInfo> cells) {
    return info.label() + (cacheOnly ? " (cache-only)" : "") + " in " + Trace.shown(store) + "\n" + blocks(List.of(info)) + "\n"
        + (cells.isEmpty() ? "no cells" : cells(cells));
  }

  /** Blocks as a table: the columns of {@link Vocabulary#BLOCK_COLUMNS}. */
  public static String blocks(List<BlockInfo> blocks) {
    return table(Vocabulary.BLOCK_COLUMNS, blocks.stream().map(Vocabulary::blockRow).toList());
  }

  /** Blocks as a table with a total row at the end. */
  public static String blocksWithTotal(List<BlockInfo> blocks) {
    List<List<String>> rows = new ArrayList<>(blocks.stream().map(Vocabulary::blockRow).toList());
    rows.add(Vocabulary.totalRow(blocks));
    return table(Vocabulary.BLOCK_COLUMNS, rows);
  }

  /** Cells as a table: the columns of {@link Vocabulary#CELL_COLUMNS}. */
  public static String cells(List<CellInfo> cells) {
    return table(Vocabulary.CELL_COLUMNS, cells.stream().map(Vocabulary::cellRow).toList());
  }

  /** Where cells came from, as a table: the columns of {@link Vocabulary#ORIGIN_COLUMNS}. */
  public static String cellOrigins(List<CellInfo> cells) {
    return table(Vocabulary.ORIGIN_COLUMNS, cells.stream().map(Vocabulary::originRow).toList());
  }

  /** Left-aligned columns two spaces apart, a header line first; no trailing spaces. */
  static String table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    List<List<String>> lines = new ArrayList<>();
    lines.add(header);
    lines.addAll(rows);
    for (List<String> line : lines) {
      for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], line.get(i).length());
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> line : lines) {
      if (sb.length() > 0) sb.append('\n');
      StringBuilder l = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String v = line.get(i);
        l.append(v).append(" ".repeat(widths[i] - v.length() + (i < widths.length - 1 ? 2 : 0)));
      }
      sb.append(l.toString().stripTrailing());
    }
    return sb.toString();
  }
}
