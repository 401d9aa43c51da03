package io.memokit.codec;

import io.memokit.function.TypeNames;

/**
 * Finds the class a stored value names. It asks the calling thread's context class loader first
 * (JShell and notebook kernels load the user's classes there), then memokit's own loader. A class
 * JShell generated for a snippet has a session-specific name ({@code REPL.$JShell$12$Point}); such
 * a name is matched by its stable part ({@code Point}) against the snippet classes this process
 * knows ({@link TypeNames#remember}).
 */
final class ClassResolver extends ClassLoader {

  /**
   * memokit's own stored classes under the names earlier versions wrote: a stored value names its
   * classes, so a class of memokit's that moves keeps its former name here, forever.
   */
  private static final java.util.Map<String, String> FORMER_NAMES = java.util.Map.of(
      "io.memokit.storage.StoredError", "io.memokit.cell.StoredError",
      "io.memokit.storage.Codec$StoredThrowable", "io.memokit.codec.StoredThrowable");

  static {
    registerAsParallelCapable();
  }

  ClassResolver() {
    super(ClassResolver.class.getClassLoader());
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    String current = FORMER_NAMES.get(name);
    if (current != null) return super.loadClass(current, resolve);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != this) {
      try {
        return Class.forName(name, false, context);
      } catch (ClassNotFoundException | LinkageError ignored) {
        // fall through to memokit's loader
      }
    }
    try {
      return super.loadClass(name, resolve);
    } catch (ClassNotFoundException e) {
      Class<?> snippet = TypeNames.isJShellSnippet(name) ? TypeNames.snippetClass(TypeNames.stable(name)) : null;
      if (snippet != null) return snippet;
      throw e;
    }
  }

  /**
   * The last class found for each name, and under which context class loader: a loader gives one
   * class for a name for as long as it lives, so a value decoded at every hit (one a caller could
   * change) does not ask the loaders again. Weak, so that no loader is kept alive by it.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Found> found = new java.util.concurrent.ConcurrentHashMap<>();

  private record Found(java.lang.ref.WeakReference<ClassLoader> context, java.lang.ref.WeakReference<Class<?>> type) {}

  Class<?> resolve(String name) throws ClassNotFoundException {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    Found f = found.get(name);
    if (f != null && f.context().get() == context) {
      Class<?> c = f.type().get();
      if (c != null) return c;
    }
    Class<?> c = loadClass(name, false);
    found.put(name, new Found(new java.lang.ref.WeakReference<>(context), new java.lang.ref.WeakReference<>(c)));
    return c;
  }
}
