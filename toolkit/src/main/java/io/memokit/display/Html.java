package io.memokit.display;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Expr;
import io.memokit.MemoStore;
import io.memokit.Memoized;
import io.memokit.expr.ChainMap;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * HTML renderings for notebooks. Nothing here computes or incarnates anything: a store and a
 * memoized function show what the store holds; an expression shows its definition as a nested
 * tree, incarnated parts marked. Every text is escaped.
 */
public final class Html {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());
  private static final String TABLE = "<table class=\"memokit\" style=\"border-collapse:collapse;font-size:90%\">";
  private static final String TD = "<td style=\"border:1px solid #ccc;padding:2px 8px;text-align:right\">";
  private static final String TH = "<th style=\"border:1px solid #ccc;padding:2px 8px;background:#f3f3f3\">";

  private Html() {}

  /** The HTML of any memokit object, or {@code null} if it has none. */
  public static String of(Object o) {
    if (o instanceof MemoStore s) return store(s);
    if (o instanceof Memoized m) return memoized(m);
    if (o instanceof Expr<?> || o instanceof ChainMap<?, ?>) return expression(o);
    if (o instanceof BlockInfo b) return blocks(List.of(b));
    if (o instanceof CellInfo c) return cells(List.of(c));
    if (o instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(CellInfo.class::isInstance)) {
      return cells(l.stream().map(CellInfo.class::cast).toList());
    }
    if (o instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(BlockInfo.class::isInstance)) {
      return blocks(l.stream().map(BlockInfo.class::cast).toList());
    }
    return null;
  }

  public static String store(MemoStore s) {
    List<BlockInfo> blocks = s.blocks();
    return "<div><b>memokit store</b> <code>" + esc(s.path().toString()) + "</code> &mdash; " + blocks.size()
        + " block" + (blocks.size() == 1 ? "" : "s") + blocks(blocks) + "</div>";
  }

  public static String memoized(Memoized m) {
    BlockInfo info = m.info();
    return "<div><b>" + esc(info.label()) + "</b>" + (m.isCacheOnly() ? " (cache-only)" : "") + " in <code>"
        + esc(m.store().path().toString()) + "</code>" + blocks(List.of(info)) + cells(m.cells()) + "</div>";
  }

  /** Blocks with version, hits, misses, maxsize and size. */
  public static String blocks(List<BlockInfo> blocks) {
    StringBuilder sb = new StringBuilder(TABLE).append("<tr>");
    for (String h : List.of("block", "keyed by", "arity", "hits", "misses", "maxsize", "size", "errors", "computing",
        "bytes")) {
      sb.append(TH).append(h).append("</th>");
    }
    sb.append("</tr>");
    for (BlockInfo b : blocks) {
      sb.append("<tr>").append(td(b.name())).append(td(b.keyedBy()))
          .append(td(b.arity())).append(td(b.hits())).append(td(b.misses())).append(td(b.maxsize()))
          .append(td(b.size())).append(td(b.errors())).append(td(b.pending())).append(td(bytes(b.bytes())))
          .append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  /** Cells with id, state, last hit, hits, size, CPU and wall time; stored exceptions marked. */
  public static String cells(List<CellInfo> cells) {
    StringBuilder sb = new StringBuilder(TABLE).append("<tr>");
    for (String h : List.of("cell", "state", "last hit", "hits", "size", "CPU", "wall")) sb.append(TH).append(h).append("</th>");
    sb.append("</tr>");
    for (CellInfo c : cells) {
      String style = switch (c.state()) {
        case ERROR -> " style=\"background:#fde8e8\"";
        case COMPUTING -> " style=\"background:#fff6d6\"";
        default -> "";
      };
      String state = switch (c.state()) {
        case ERROR -> "&#9888; exception";
        case COMPUTING -> "computing";
        default -> "value";
      };
      sb.append("<tr").append(style).append(">").append(td(c.id())).append(TD).append(state).append("</td>")
          .append(td(time(c.lastHit()))).append(td(c.hits()))
          .append(td(c.size() < 0 ? "*" + bytes(-c.size()) : bytes(c.size())))
          .append(td(duration(c.cpuTime()))).append(td(duration(c.wallTime()))).append("</tr>");
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
    double scale = total > 0 ? total : Math.max(1, count);
    long hitPct = Math.round(100 * hits / scale);
    long missPct = Math.round(100 * misses / scale);
    return "<div style=\"font-family:monospace;font-size:90%\">" + esc(label) + ": " + count
        + (total > 0 ? "/" + total : "") + " calls, " + hits + " hits, " + misses + " misses" + (done ? " (done)" : "")
        + "<div style=\"width:320px;height:12px;border:1px solid #aaa;display:flex\">"
        + "<div style=\"width:" + hitPct + "%;background:#4caf50\"></div>"
        + "<div style=\"width:" + missPct + "%;background:#ff9800\"></div></div></div>";
  }

  private static String td(Object v) {
    return TD + esc(String.valueOf(v)) + "</td>";
  }

  private static String time(Instant t) {
    return TIME.format(t);
  }

  static String bytes(long n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return String.format("%.1f KiB", n / 1024.0);
    if (n < 1024L * 1024 * 1024) return String.format("%.1f MiB", n / 1024.0 / 1024);
    return String.format("%.2f GiB", n / 1024.0 / 1024 / 1024);
  }

  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1) return (d.toNanos() / 1000) + " \u00b5s";
    if (ms < 10_000) return ms + " ms";
    return String.format("%.1f s", ms / 1000.0);
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
