package io.memokit.display;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Expr;
import io.memokit.MemoStore;
import io.memokit.Memoized;
import io.memokit.cell.Trace;
import io.memokit.expr.ChainMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HTML renderings for notebooks. Nothing here computes or incarnates anything: a store and a
 * memoized function show what the store holds; an expression shows its definition as a nested
 * tree, incarnated parts marked. Every text is escaped.
 */
public final class Html {

    private static final String TABLE = "<table class=\"memokit\" style=\"border-collapse:collapse;font-size:90%\">";
  private static final String CELL_STYLE = "border:1px solid #ccc;padding:2px 8px;text-align:";
  private static final String TH_STYLE = ";background:#f3f3f3";
  /** Columns of names and words, left-aligned; numbers, sizes, times and dates are right-aligned. */
  private static final Set<String> TEXT_COLUMNS = Set.of("block", "keyed by", "arguments", "state", "written by");

  private static final int STATE_COLUMN = Vocabulary.CELL_COLUMNS.indexOf("state");

  private Html() {}

  /** The HTML of any memokit object, or {@code null} if it has none (see {@link Rendering#of}). */
  public static String of(Object o) {
    Rendering r = Rendering.of(o);
    return r == null ? null : r.html();
  }

  public static String store(MemoStore s) {
    return store(s.location(), s.blocks());
  }

  static String store(String location, List<BlockInfo> blocks) {
    return "<div><b>memokit store</b> <code>" + esc(Trace.shown(location)) + "</code> &mdash; " + blocks.size()
        + " block" + (blocks.size() == 1 ? "" : "s") + (blocks.isEmpty() ? "" : blocks(blocks)) + "</div>";
  }

  public static String memoized(Memoized m) {
    return memoized(m.info(), m.isCacheOnly(), m.store().location(), m.cells());
  }

  static String memoized(BlockInfo info, boolean cacheOnly, String store, List<CellInfo> cells) {
    return "<div><b>" + esc(info.label()) + "</b>" + (cacheOnly ? " (cache-only)" : "") + " in <code>"
        + esc(Trace.shown(store)) + "</code>" + blocks(List.of(info)) + cells(cells) + "</div>";
  }

  /** Blocks with version, hits, misses, maxsize and size. */
  public static String blocks(List<BlockInfo> blocks) {
    StringBuilder sb = header(Vocabulary.BLOCK_COLUMNS);
    for (BlockInfo b : blocks) {
      sb.append("<tr>");
      List<String> row = Vocabulary.blockRow(b);
      for (int i = 0; i < row.size(); i++) sb.append(td(Vocabulary.BLOCK_COLUMNS.get(i), esc(row.get(i))));
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  /** Cells with id, arguments, state, last hit, hits, size, CPU and wall time; stored exceptions marked. */
  public static String cells(List<CellInfo> cells) {
    StringBuilder sb = header(Vocabulary.CELL_COLUMNS);
    for (CellInfo c : cells) {
      String style = switch (c.state()) {
        case ERROR -> " style=\"background:#fde8e8\"";
        case COMPUTING -> " style=\"background:#fff6d6\"";
        default -> "";
      };
      List<String> row = Vocabulary.cellRow(c);
      sb.append("<tr").append(style).append(">");
      for (int i = 0; i < row.size(); i++) {
        boolean warn = i == STATE_COLUMN && c.state() == CellInfo.State.ERROR;
        sb.append(td(Vocabulary.CELL_COLUMNS.get(i), (warn ? "&#9888; " : "") + esc(row.get(i))));
      }
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  /**
   * An expression's definition as a nested tree: each call shows its function and arguments;
   * incarnated calls are green, lazy ones grey; a chain shows its maps in lookup order.
   */
  public static String expression(Object e) {
    return "<div class=\"memokit-expr\" style=\"font-family:monospace;font-size:90%\">" + tree(e, 0) + "</div>";
  }

  private static String tree(Object o, int depth) {
    if (depth > 50) return "&hellip;";
    if (o instanceof Expr<?> e) {
      boolean done = e.isIncarnated();
      StringBuilder sb = new StringBuilder("<details open><summary><span style=\"color:")
          .append(done ? "#1a7f37" : "#888").append("\">").append(done ? "&#9679;" : "&#9675;").append("</span> <b>")
          .append(esc(e.function())).append("</b>").append(done ? " <i>incarnated</i>" : " <i>lazy</i>")
          .append("</summary><ul style=\"margin:0\">");
      for (Object a : e.arguments()) sb.append("<li>").append(tree(a, depth + 1)).append("</li>");
      return sb.append("</ul></details>").toString();
    }
    if (o instanceof ChainMap<?, ?> c) {
      StringBuilder sb = new StringBuilder("<details open><summary><b>chain</b></summary><ol style=\"margin:0\">");
      for (Map<?, ?> m : c.maps()) sb.append("<li>").append(tree(m, depth + 1)).append("</li>");
      return sb.append("</ol></details>").toString();
    }
    String text = o instanceof String s ? "\"" + s + "\"" : String.valueOf(o);
    return esc(text.length() > 120 ? text.substring(0, 117) + "..." : text);
  }

  /** A progress bar: hits green, misses orange, out of {@code total} when known. */
  public static String progress(String label, long hits, long misses, long total, boolean done) {
    long count = hits + misses;
    return "<div style=\"font-family:monospace;font-size:90%\">" + esc(label) + ": " + count
        + (total > 0 ? "/" + total : "") + " calls, " + hits + " hits, " + misses + " misses" + (done ? " (done)" : "")
        + bar(total, new long[] {hits, misses}, "#4caf50", "#ff9800") + "</div>";
  }

  /** A sweep's bar: inputs hit green, computed here orange, computed elsewhere blue, out of {@code total}. */
  public static String sweepProgress(String label, long hits, long here, long elsewhere, long total, boolean done) {
    long count = hits + here + elsewhere;
    return "<div style=\"font-family:monospace;font-size:90%\">" + esc(label) + ": " + count
        + (total > 0 ? "/" + total : "") + " inputs, " + hits + " hit, " + here + " computed here, " + elsewhere
        + " computed elsewhere" + (done ? " (done)" : "")
        + bar(total, new long[] {hits, here, elsewhere}, "#4caf50", "#ff9800", "#2196f3") + "</div>";
  }

  /**
   * A bar of one part per count, in these colours, out of {@code total} (else of their sum). Each
   * part ends where the rounded running total ends, so that the parts add up to at most 100% (parts
   * rounded each could pass the border).
   */
  private static String bar(long total, long[] counts, String... colors) {
    long sum = 0;
    for (long c : counts) sum += c;
    double scale = total > 0 ? total : Math.max(1, sum);
    StringBuilder sb = new StringBuilder("<div style=\"width:320px;height:12px;border:1px solid #aaa;display:flex\">");
    long running = 0;
    long shown = 0;
    for (int i = 0; i < counts.length; i++) {
      running += counts[i];
      long upTo = Math.round(100 * running / scale);
      sb.append("<div style=\"width:").append(upTo - shown).append("%;background:").append(colors[i]).append("\"></div>");
      shown = upTo;
    }
    return sb.append("</div>").toString();
  }

  private static String align(String column) {
    return TEXT_COLUMNS.contains(column) ? "left" : "right";
  }

  /** A table and its header row, each header aligned as its column. */
  private static StringBuilder header(List<String> columns) {
    StringBuilder sb = new StringBuilder(TABLE).append("<tr>");
    for (String h : columns) {
      sb.append("<th style=\"").append(CELL_STYLE).append(align(h)).append(TH_STYLE).append("\">").append(h).append("</th>");
    }
    return sb.append("</tr>");
  }

  /** A cell of {@code column} holding {@code html}. */
  private static String td(String column, String html) {
    return "<td style=\"" + CELL_STYLE + align(column) + "\">" + html + "</td>";
  }

  public static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
