package io.memokit.display;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.sequence.DefaultCollectionDisplayRenderer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;
import org.rapaio.jupyter.kernel.display.table.MapTableTransformer;
import org.rapaio.jupyter.kernel.display.table.OptionsTableTransformer;

/**
 * Plugs memokit's renderings into the rapaio Jupyter kernel's display service (found there through
 * {@code META-INF/services}; elsewhere this class is never loaded, so memokit needs no kernel at run
 * time), so that a cell's value shows as in IJava and JJava:
 * <ul>
 *   <li>a store, a memoized function, an expression, a chain, a block, a cell, a list of cells or
 *       blocks or a progress bar ({@link Rendering#TYPES}): its HTML, with its plain text beside it;</li>
 *   <li>any other value (a number, a string, a list, a record, ...): its plain text
 *       ({@link Rendering#plain}), as {@code System.out.println} would print it, where the kernel would
 *       show {@code List12{size:2,[1,2]}} for a list and every other value's {@code toString()} as
 *       unescaped HTML with no text;</li>
 *   <li>what the kernel draws itself (images, tables, maps as tables), and any value asked for in a
 *       given MIME type ({@code display("text/html", s)}): the kernel's own, as without memokit.</li>
 * </ul>
 * {@code display(x)} shows the same as a cell's value. The kernel asks the first renderer whose
 * class matches, so there is one renderer per memokit type; the one for lists takes every collection
 * and hands those it was not asked to show by default to the kernel's own collection renderer.
 */
public final class RapaioDisplayProvider implements DisplayProvider {

  @Override
  public List<DisplayRenderer> getDisplayRenderers() {
    List<DisplayRenderer> renderers = new ArrayList<>();
    for (Class<?> type : Rendering.TYPES) {
      renderers.add(type == List.class ? new CollectionRenderer() : new MemokitRenderer(type));
    }
    renderers.add(new PlainValueRenderer());
    return renderers;
  }

  /**
   * Every value no renderer took (the kernel's fallback would show its {@code toString()} as HTML)
   * becomes a {@link PlainValue}, shown as text; maps and the kernel's options stay the kernel's
   * tables.
   */
  @Override
  public List<DisplayTransformer> getDisplayTransformers() {
    return List.of(new PlainValueTransformer());
  }

  /** {@code r} as the kernel's display data: both forms by default, else the one asked for. */
  private static DisplayData data(Rendering r, String mime) {
    if (!defaultOrText(mime)) return DisplayData.fromHtml(r.html() != null ? r.html() : Html.esc(r.text()));
    DisplayData d = DisplayData.fromText(r.text());
    if (mime == null && r.html() != null) d.putHTML(r.html());
    return d;
  }

  /** Whether {@code mime} is what the kernel asks with for its default (null) or plain text. */
  private static boolean defaultOrText(String mime) {
    return mime == null || mime.equals("text/plain") || mime.equals("text");
  }

  /** A memokit object: its HTML and its text; asked for one of them, only that one. */
  private record MemokitRenderer(Class<?> rendererClass) implements DisplayRenderer {
    @Override
    public boolean canRender(String mime) {
      return defaultOrText(mime) || mime.equals("text/html") || mime.equals("html");
    }

    @Override
    public DisplayData render(String mime, Object o) {
      Rendering r = Rendering.of(o);
      return data(r != null ? r : Rendering.plain(o), mime);
    }
  }

  /**
   * Lists of cells or blocks ({@code f.cells()}, {@code store.blocks()}) as tables, every other
   * collection as its text ({@code [1, 2]}); asked for HTML or markdown, a collection that is not
   * memokit's gets the kernel's own rendering.
   */
  private static final class CollectionRenderer implements DisplayRenderer {
    private final DefaultCollectionDisplayRenderer kernels = new DefaultCollectionDisplayRenderer();

    @Override
    public Class<?> rendererClass() {
      return Collection.class;
    }

    @Override
    public boolean canRender(String mime) {
      return mime == null || kernels.canRender(mime);
    }

    @Override
    public DisplayData render(String mime, Object o) {
      Rendering r = Rendering.of(o);
      if (r != null) return data(r, mime);
      return defaultOrText(mime) ? data(Rendering.plain(o), mime) : kernels.render(mime, o);
    }
  }

  /** A value shown as its text ({@link PlainValueTransformer}). */
  record PlainValue(Object value) {}

  private static final class PlainValueTransformer implements DisplayTransformer {
    private final List<DisplayTransformer> kernels = List.of(new MapTableTransformer(), new OptionsTableTransformer());

    @Override
    public boolean canTransform(Object o) {
      return !(o instanceof PlainValue) && kernels.stream().noneMatch(t -> t.canTransform(o));
    }

    @Override
    public Class<?> transformedClass() {
      return PlainValue.class;
    }

    @Override
    public Object transform(Object o) {
      return new PlainValue(o);
    }
  }

  /** Renders a {@link PlainValue} as text; asked for another type, it declines and the kernel renders the value. */
  private static final class PlainValueRenderer implements DisplayRenderer {
    @Override
    public Class<?> rendererClass() {
      return PlainValue.class;
    }

    @Override
    public boolean canRender(String mime) {
      return defaultOrText(mime);
    }

    @Override
    public DisplayData render(String mime, Object o) {
      return data(Rendering.plain(((PlainValue) o).value()), mime);
    }
  }
}
