package io.memokit.display;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Finds the Jupyter kernel this JVM runs in, by reflection (memokit depends on no kernel), and plugs
 * memokit's renderings into it:
 * <ul>
 *   <li>IJava ({@code io.github.spencerpark.ijava.IJava.getKernelInstance()}): {@link BaseKernelDisplay}
 *       on its renderer;</li>
 *   <li>JJava ({@code org.dflib.jjava.jupyter.kernel.BaseKernel.notebookKernel()}): {@link JJavaDisplay}
 *       on its renderer;</li>
 *   <li>rapaio: nothing to do here, the kernel finds {@link RapaioDisplayProvider} through
 *       {@code META-INF/services}.</li>
 * </ul>
 * {@link io.memokit.Memo} calls {@link #installQuietly()} when it loads, so in IJava and JJava a cell
 * whose value is a store, a memoized function, its cells, an expression or a progress bar shows as
 * HTML with no line to type. The registration is made from the class loader that loaded memokit,
 * the one the notebook's objects come from (which is why JJava's {@code Extension} service, loaded
 * by a class loader of its own, would not do). Elsewhere (plain JShell, a program) it finds nothing
 * and costs two failed class look-ups.
 */
public final class NotebookKernels {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private static final String IJAVA = "io.github.spencerpark.ijava.IJava";
  private static final String IJAVA_RENDERER = "io.github.spencerpark.jupyter.kernel.display.Renderer";
  private static final String JJAVA = "org.dflib.jjava.jupyter.kernel.BaseKernel";
  private static final String JJAVA_RENDERER = "org.dflib.jjava.jupyter.kernel.display.Renderer";

  /** Neither IJava's nor JJava's class exists here: {@link #installQuietly()} has nothing to do, ever. */
  private static volatile boolean noKernelClasses;

  private NotebookKernels() {}

  /** A running kernel of the basekernel family: its name, the kernel object, and how to register on its renderer. */
  private record Kernel(String name, Object kernel, String rendererClass, Consumer<Object> register) {}

  /**
   * Registers memokit's renderings with the IJava or JJava kernel running this JVM (once per
   * kernel) and says what it did, in a sentence.
   */
  public static synchronized String install() {
    Kernel k = running();
    if (k == null) {
      noKernelClasses = !present(IJAVA) && !present(JJAVA);
      return "no IJava or JJava kernel runs in this JVM: nothing registered (the rapaio kernel finds memokit's "
          + "renderings by itself, through META-INF/services)";
    }
    Object renderer = call(k.kernel(), "getRenderer");
    if (!isA(renderer, k.rendererClass())) {
      return k.name() + " kernel found, but its renderer is " + (renderer == null ? "null" : renderer.getClass().getName())
          + ", not " + k.rendererClass() + ": nothing registered";
    }
    k.register().accept(renderer);
    return k.name() + " kernel: memokit's renderings (text/html and text/plain) registered with its renderer";
  }

  /**
   * {@link #install()}, never failing, and at once in a JVM without IJava or JJava: what Memo runs
   * when it loads and when it opens a store (again, in case memokit was first used by a kernel's
   * startup script, before the kernel was made current; registering twice with one renderer does
   * nothing).
   */
  public static void installQuietly() {
    if (noKernelClasses) return;
    try {
      LOG.log(System.Logger.Level.DEBUG, install());
    } catch (RuntimeException | LinkageError e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit could not register its renderings with the notebook kernel", e);
    }
  }

  /** The IJava or JJava kernel running this JVM, or null. */
  private static Kernel running() {
    Object ijava = staticCall(IJAVA, "getKernelInstance");
    if (ijava != null) return new Kernel("IJava", ijava, IJAVA_RENDERER, BaseKernelDisplay::registerRenderer);
    Object jjava = staticCall(JJAVA, "notebookKernel");
    if (jjava != null) return new Kernel("JJava", jjava, JJAVA_RENDERER, JJavaDisplay::registerRenderer);
    return null;
  }

  /**
   * A progress bar's display in the IJava or JJava kernel running this JVM (shown, then updated in
   * place through the kernel's renderer, where memokit's renderings are registered), or null.
   */
  static Progress.LiveDisplay liveDisplay() {
    try {
      if (running() == null) return null;
      install();
      return new KernelDisplay();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * Shows and updates an object through the kernel's own calls, as IJava's {@code display} and
   * {@code updateDisplay} do; the same names in IJava and JJava, so by reflection for both.
   */
  private static final class KernelDisplay implements Progress.LiveDisplay {
    @Override
    public String show(Progress p) {
      try {
        Kernel k = running();
        if (k == null) return null;
        Object data = call(call(k.kernel(), "getRenderer"), "render", p);
        String id = UUID.randomUUID().toString();
        call(data, "setDisplayId", id);
        call(k.kernel(), "display", data);
        return id;
      } catch (RuntimeException | LinkageError e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot show the progress bar in the kernel", e);
        return null; // no bar; the loop goes on
      }
    }

    @Override
    public void update(String id, Progress p) {
      try {
        Kernel k = running();
        if (k == null || id == null) return;
        Object data = call(call(k.kernel(), "getRenderer"), "render", p);
        Object io = call(k.kernel(), "getIO");
        call(io.getClass().getField("display").get(io), "updateDisplay", id, data);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot update the progress bar in the kernel", e); // the loop goes on
      }
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, NotebookKernels.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static boolean isA(Object o, String className) {
    try {
      return o != null && Class.forName(className, false, NotebookKernels.class.getClassLoader()).isInstance(o);
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** A static method's result, or null when the class is absent or the call fails (JJava's throws when no kernel runs). */
  private static Object staticCall(String className, String method) {
    try {
      Class<?> c = Class.forName(className, false, NotebookKernels.class.getClassLoader());
      return c.getMethod(method).invoke(null);
    } catch (ClassNotFoundException | InvocationTargetException e) {
      return null;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot call " + className + "." + method, e);
      return null;
    }
  }

  /** Calls the public method {@code name} of {@code target} that takes these arguments. */
  private static Object call(Object target, String name, Object... args) {
    for (Method m : target.getClass().getMethods()) {
      if (!m.getName().equals(name) || m.getParameterCount() != args.length) continue;
      Class<?>[] types = m.getParameterTypes();
      boolean fits = true;
      for (int i = 0; i < args.length; i++) fits &= types[i].isInstance(args[i]);
      if (!fits) continue;
      try {
        if (!m.canAccess(target)) m.trySetAccessible(); // a public method of a class that is not
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw new IllegalStateException(name + " failed in the kernel: " + e.getCause(), e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot call " + name + " of " + target.getClass().getName(), e);
      }
    }
    throw new IllegalStateException(target.getClass().getName() + " has no method " + name + " for these arguments");
  }
}
