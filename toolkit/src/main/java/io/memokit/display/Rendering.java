package io.memokit.display;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.Expr;
import io.memokit.MemoStore;
import io.memokit.Memoized;
import io.memokit.expr.ChainMap;
import io.memokit.expr.Render;
import java.util.List;

/**
 * A memokit object as a notebook shows it: its HTML and its plain text, both made from one reading
 * of the store, so that they agree. The one place that says which objects render; each kernel's
 * adapter ({@link RapaioDisplayProvider}, {@link BaseKernelDisplay}, {@link JJavaDisplay}) registers
 * {@link #TYPES} and asks here.
 *
 * @param html the {@code text/html} form, or {@code null} for a plain value ({@link #plain})
 * @param text the {@code text/plain} form
 */
public record Rendering(String html, String text) {

  /**
   * The types whose instances render: a store, a memoized function, an expression, a chain, a
   * block, a cell, a progress bar, and lists (of cells or of blocks, as from {@code f.cells()} and
   * {@code store.blocks()}; {@link #of} has nothing for any other list).
   */
  public static final List<Class<?>> TYPES = List.of(MemoStore.class, Memoized.class, Expr.class, ChainMap.class,
      BlockInfo.class, CellInfo.class, Progress.class, List.class);

  /** The rendering of a memokit object, or {@code null} for any other object (and empty lists). */
  public static Rendering of(Object o) {
    if (o instanceof MemoStore s) {
      List<BlockInfo> blocks = s.blocks();
      return new Rendering(Html.store(s.location(), blocks), Plain.store(s.location(), blocks));
    }
    if (o instanceof Memoized m) {
      BlockInfo info = m.info();
      List<CellInfo> cells = m.cells();
      String where = m.store().location();
      return new Rendering(Html.memoized(info, m.isCacheOnly(), where, cells),
          Plain.memoized(info, m.isCacheOnly(), where, cells));
    }
    if (o instanceof Expr<?> || o instanceof ChainMap<?, ?>) return new Rendering(Html.expression(o), Render.text(o));
    if (o instanceof Progress p) return p.rendering();
    List<CellInfo> cells = all(o, CellInfo.class);
    if (cells != null) return new Rendering(Html.cells(cells), Plain.cells(cells));
    List<BlockInfo> blocks = all(o, BlockInfo.class);
    if (blocks != null) return new Rendering(Html.blocks(blocks), Plain.blocks(blocks));
    return null;
  }

  /**
   * Any other value as a notebook shows it: its text, as {@code System.out.println} prints it
   * ({@code [1, 2]} for a list, a string as it is, lines included), with no HTML. What IJava and JJava
   * show for such values; memokit's rapaio renderer shows the same.
   */
  public static Rendering plain(Object o) {
    return new Rendering(null, String.valueOf(o));
  }

  /** {@code o} as a list of {@code type}: one element, or a non-empty list of nothing else; else null. */
  private static <T> List<T> all(Object o, Class<T> type) {
    if (type.isInstance(o)) return List.of(type.cast(o));
    if (o instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(type::isInstance)) {
      return l.stream().map(type::cast).toList();
    }
    return null;
  }
}
