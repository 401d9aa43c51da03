package io.memokit.storage;

import io.memokit.function.TypeNames;

/**
 * Finds the class a stored value names. It asks the calling thread's context class loader first
 * (JShell and notebook kernels load the user's classes there), then memokit's own loader. A class
 * JShell generated for a snippet has a session-specific name ({@code REPL.$JShell$12$Point}); such
 * a name is matched by its stable part ({@code Point}) against the snippet classes this process
 * knows ({@link TypeNames#remember}).
 */
final class ClassResolver extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  ClassResolver() {
    super(ClassResolver.class.getClassLoader());
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
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

  Class<?> resolve(String name) throws ClassNotFoundException {
    return loadClass(name, false);
  }
}
