package io.memokit.display;

import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Registers memokit's renderings ({@link Rendering}: {@code text/html} preferred, {@code text/plain}
 * beside it) with a renderer of {@code jjava-jupyter} ({@code org.dflib.jjava}), the display library
 * of the JJava kernel: IJava's fork, whose copy of {@code jupyter-jvm-basekernel} has the same API in
 * other packages, hence this twin of {@link BaseKernelDisplay}. In JJava this happens by itself when
 * memokit loads ({@link NotebookKernels}); by hand:
 * <pre>{@code
 * io.memokit.display.JJavaDisplay.register(org.dflib.jjava.jupyter.kernel.BaseKernel.notebookKernel().getRenderer());
 * }</pre>
 * Only loaded where that library is on the class path: memokit does not depend on it.
 *
 * <p>A list is rendered by memokit only when it holds cells or blocks; any other list gets the
 * kernel's text, as without memokit (the renderer stops at the first type of an object's
 * hierarchy that has registrations, so a renderer another library registered for
 * {@code Collection} or {@code Iterable} is not reached for lists any more).
 */
public final class JJavaDisplay {

  private static final Set<Renderer> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private JJavaDisplay() {}

  /** Registers memokit's renderings with {@code renderer}; a second call for the same renderer does nothing. */
  public static void register(Renderer renderer) {
    if (!REGISTERED.add(renderer)) return;
    for (Class<?> type : Rendering.TYPES) {
      renderer.createRegistration(type).preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
          .register(JJavaDisplay::render);
    }
  }

  /** For {@link NotebookKernels}, which holds the renderer as an Object so as not to load this library's classes. */
  static void registerRenderer(Object renderer) {
    register((Renderer) renderer);
  }

  private static void render(Object o, RenderContext context) {
    Rendering r = Rendering.of(o);
    if (r == null) return; // not memokit's (a list of other things): the kernel's text/plain stays
    context.renderIfRequested(MIMEType.TEXT_HTML, r::html);
    context.renderIfRequested(MIMEType.TEXT_PLAIN, r::text);
  }
}
