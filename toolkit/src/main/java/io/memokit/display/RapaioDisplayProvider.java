package io.memokit.display;

import java.util.ArrayList;
import java.util.List;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.sequence.DefaultCollectionDisplayRenderer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

/**
 * Plugs {@link Html} into the rapaio Jupyter kernel's display service (found there through
 * {@code META-INF/services}; elsewhere this class is never loaded, so memokit needs no kernel at run
 * time). A cell whose value is a store, a memoized function, an expression, a chain, a block, a cell,
 * a list of cells or blocks or a progress bar shows as HTML ({@link Rendering#TYPES});
 * {@code display(x)} does the same. The kernel picks the first renderer whose class matches, so there
 * is one renderer per memokit type, and the list renderer hands lists that are not memokit's to the
 * kernel's own.
 */
public final class RapaioDisplayProvider implements DisplayProvider {

  @Override
  public List<DisplayRenderer> getDisplayRenderers() {
    List<DisplayRenderer> renderers = new ArrayList<>();
    for (Class<?> type : Rendering.TYPES) renderers.add(type == List.class ? new ListRenderer() : new HtmlRenderer(type));
    return renderers;
  }

  @Override
  public List<DisplayTransformer> getDisplayTransformers() {
    return List.of();
  }

  /**
   * Lists of cells or blocks ({@code f.cells()}, {@code store.blocks()}) as tables. The kernel asks
   * the first renderer whose class matches, so every other list is handed to the kernel's own
   * collection renderer and shows exactly as it would without memokit.
   */
  private static final class ListRenderer implements DisplayRenderer {
    private final DefaultCollectionDisplayRenderer kernels = new DefaultCollectionDisplayRenderer();

    @Override
    public Class<?> rendererClass() {
      return List.class;
    }

    @Override
    public boolean canRender(String mime) {
      return mime == null || kernels.canRender(mime); // the kernel asks with null for "any", as for its own renderers
    }

    @Override
    public DisplayData render(String mime, Object o) {
      String html = (mime == null || mime.equals("text/html")) ? Html.of(o) : null;
      return html != null ? DisplayData.fromHtml(html) : kernels.render(mime, o);
    }
  }

  private record HtmlRenderer(Class<?> rendererClass) implements DisplayRenderer {
    @Override
    public boolean canRender(String mime) {
      return mime == null || mime.equals("text/html");
    }

    @Override
    public DisplayData render(String mime, Object o) {
      String html = Html.of(o);
      return DisplayData.fromHtml(html != null ? html : Html.esc(String.valueOf(o)));
    }
  }
}
