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

  /** Blocks as a table: the columns of {@link Html#blocks}. */
  public static String blocks(List<BlockInfo> blocks) {
    return table(Html.BLOCK_COLUMNS, blocks.stream().map(Html::blockRow).toList());
  }

  /** Cells as a table: the columns of {@link Html#cells}; a stored exception's size is marked {@code *}. */
  public static String cells(List<CellInfo> cells) {
    return table(Html.CELL_COLUMNS, cells.stream().map(Html::cellRow).toList());
  }

  private static final String[] PREFIXES = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  /** A size as every rendering shows it: {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}, in powers of 1024. */
  public static String bytes(long n) {
    if (n < 1024) return n + " B";
    double v = n;
    int i = -1;
    while (v >= 1024 && i < PREFIXES.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, PREFIXES[i]);
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
