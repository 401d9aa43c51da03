package io.memokit.display;

import io.github.spencerpark.ijava.IJava;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;

/**
 * The two display libraries of the IJava family as the tests drive them, each the real library:
 * {@code jupyter-jvm-basekernel} (IJava's) and {@code jjava-jupyter} (JJava's fork of it, the same
 * API under {@code org.dflib.jjava}). A {@link Kernel} is a kernel of that library made current the
 * way IJava or JJava makes it (IJava's main class through a stand-in, JJava's own static), whose
 * {@code display} calls are recorded instead of sent.
 */
final class Kernels {

  private Kernels() {}

  /** What a renderer gave for one object: its text/html and text/plain (null where absent), and its display id. */
  record Bundle(String html, String text, String displayId) {}

  /** A display library: a fresh renderer, with or without memokit's renderings. */
  interface Library {
    /** Registers memokit's renderings as a user would by hand (BaseKernelDisplay or JJavaDisplay). */
    void register();

    Bundle render(Object o);

    Bundle renderAs(Object o, String mime);

    /** Starts a kernel of this library, current as in its notebook kernel; close() stops it. */
    Kernel start();
  }

  /** A running kernel (the renderer it was built with, and what it displayed). */
  interface Kernel extends AutoCloseable {
    Bundle render(Object o);

    List<Bundle> displayed();

    @Override
    void close();
  }

  static List<Library> libraries() {
    return List.of(new BaseKernelLibrary(), new JJavaLibrary());
  }

  // ---- jupyter-jvm-basekernel (IJava) ------------------------------------------------------------

  private static final class BaseKernelLibrary implements Library {
    private final io.github.spencerpark.jupyter.kernel.display.Renderer renderer =
        new io.github.spencerpark.jupyter.kernel.display.Renderer();

    @Override
    public void register() {
      BaseKernelDisplay.register(renderer);
    }

    @Override
    public Bundle render(Object o) {
      return bundle(renderer.render(o));
    }

    @Override
    public Bundle renderAs(Object o, String mime) {
      return bundle(renderer.renderAs(o, mime));
    }

    @Override
    public Kernel start() {
      BaseKernelDouble k = new BaseKernelDouble();
      IJava.setKernelInstance(k);
      return k;
    }

    @Override
    public String toString() {
      return "jupyter-jvm-basekernel (IJava)";
    }

    static Bundle bundle(io.github.spencerpark.jupyter.kernel.display.DisplayData d) {
      return new Bundle((String) d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_HTML),
          (String) d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN), d.getDisplayId());
    }
  }

  /** A basekernel kernel as IJava's is, made current through the IJava stand-in. */
  public static final class BaseKernelDouble extends io.github.spencerpark.jupyter.kernel.BaseKernel implements Kernel {
    private final List<Bundle> displayed = new ArrayList<>();

    @Override
    public io.github.spencerpark.jupyter.kernel.display.DisplayData eval(String expr) {
      throw new UnsupportedOperationException("a test kernel evaluates nothing");
    }

    @Override
    public io.github.spencerpark.jupyter.kernel.LanguageInfo getLanguageInfo() {
      return null; // asked only when answering a kernel_info request, which a test kernel never gets
    }

    @Override
    public synchronized void display(io.github.spencerpark.jupyter.kernel.display.DisplayData data) {
      displayed.add(BaseKernelLibrary.bundle(data));
    }

    @Override
    public Bundle render(Object o) {
      return BaseKernelLibrary.bundle(getRenderer().render(o));
    }

    @Override
    public synchronized List<Bundle> displayed() {
      return List.copyOf(displayed);
    }

    @Override
    public void close() {
      IJava.setKernelInstance(null);
    }
  }

  // ---- jjava-jupyter (JJava) ---------------------------------------------------------------------

  private static final class JJavaLibrary implements Library {
    private final org.dflib.jjava.jupyter.kernel.display.Renderer renderer =
        new org.dflib.jjava.jupyter.kernel.display.Renderer();

    @Override
    public void register() {
      JJavaDisplay.register(renderer);
    }

    @Override
    public Bundle render(Object o) {
      return bundle(renderer.render(o));
    }

    @Override
    public Bundle renderAs(Object o, String mime) {
      return bundle(renderer.renderAs(o, mime));
    }

    @Override
    public Kernel start() {
      JJavaKernelDouble k = new JJavaKernelBuilder().build();
      k.start();
      return k;
    }

    @Override
    public String toString() {
      return "jjava-jupyter (JJava)";
    }

    static Bundle bundle(org.dflib.jjava.jupyter.kernel.display.DisplayData d) {
      return new Bundle((String) d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML),
          (String) d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN), d.getDisplayId());
    }
  }

  private static final class JJavaKernelBuilder extends BaseKernelBuilder<JJavaKernelBuilder, JJavaKernelDouble> {
    @Override
    public JJavaKernelDouble build() {
      return new JJavaKernelDouble(buildName(), buildVersion(), buildJupyterIO(StandardCharsets.UTF_8),
          buildCommManager(), buildRenderer(), buildMagicsRegistry(), buildErrorStyler());
    }
  }

  /** A JJava kernel, made current by JJava's own {@code installNotebookKernel()}. */
  public static final class JJavaKernelDouble extends org.dflib.jjava.jupyter.kernel.BaseKernel implements Kernel {
    private final List<Bundle> displayed = new ArrayList<>();

    JJavaKernelDouble(String name, String version, org.dflib.jjava.jupyter.kernel.JupyterIO io,
                      org.dflib.jjava.jupyter.kernel.comm.CommManager comms,
                      org.dflib.jjava.jupyter.kernel.display.Renderer renderer,
                      org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry magics,
                      org.dflib.jjava.jupyter.kernel.util.StringStyler errors) {
      super(name, version, null, List.of(), null, io, comms, renderer, null, magics, false, errors);
    }

    void start() {
      installNotebookKernel();
    }

    @Override
    public Object evalRaw(String source) {
      throw new UnsupportedOperationException("a test kernel evaluates nothing");
    }

    @Override
    public org.dflib.jjava.jupyter.kernel.display.DisplayData inspect(String code, int at, boolean extraDetail) {
      return null;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
      return null;
    }

    @Override
    public String isComplete(String code) {
      return IS_COMPLETE_MAYBE;
    }

    @Override
    public synchronized void display(org.dflib.jjava.jupyter.kernel.display.DisplayData data) {
      displayed.add(JJavaLibrary.bundle(data));
    }

    @Override
    public Bundle render(Object o) {
      return JJavaLibrary.bundle(getRenderer().render(o));
    }

    @Override
    public synchronized List<Bundle> displayed() {
      return List.copyOf(displayed);
    }

    @Override
    public void close() {
      uninstallNotebookKernel();
    }
  }
}
