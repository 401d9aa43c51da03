package io.memokit.function;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * How the code fingerprint treats a value its function reads that is not an argument: a value that
 * can never change ({@link #settled}) is keyed once, in the fingerprint; any other is read at each
 * call ({@link ImplicitArgs.Source}), from the static field or the captured slot that holds it.
 */
final class ReadValues {

  private static final MethodType GETTER = MethodType.methodType(Object.class);
  /** Largest immutable collection checked element by element for being settled; a larger one is read at each call. */
  private static final int MAX_SETTLED_ELEMENTS = 10_000;

  private ReadValues() {}

  /**
   * Whether {@code v} can never change, so that its key, computed once, stays its key: null, strings,
   * boxed primitives, plain {@code BigInteger}/{@code BigDecimal}, enums, {@code java.time} values, paths,
   * and records, {@code Optional}s and the JDK's immutable collections ({@code List.of}, ...) of
   * those. Anything else (an {@code ArrayList}, an array, an unmodifiable view of a mutable
   * collection, a function that reads values of its own) may change after it was read.
   */
  static boolean settled(Object v) {
    return settled(v, 0);
  }

  private static boolean settled(Object v, int depth) {
    if (v == null || v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Double
        || v instanceof Boolean || v instanceof Character || v instanceof Float || v instanceof Short
        || v instanceof Byte || v instanceof Enum<?>) {
      return true;
    }
    if (depth > 32) return false;
    Class<?> c = v.getClass();
    if (c == BigInteger.class || c == BigDecimal.class || c == java.io.File.class) return true;
    if (v instanceof java.nio.file.Path p) return p.getFileSystem() == java.nio.file.FileSystems.getDefault();
    if (c.getName().startsWith("java.time.") && !(v instanceof java.time.Clock)) return true;
    if (v instanceof NamedFunction f) return f.implicitArgs().size() == 0;
    if (v instanceof Optional<?> o) return o.isEmpty() || settled(o.get(), depth + 1);
    if (v instanceof Record) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) continue;
        try {
          f.setAccessible(true);
          if (!settled(f.get(v), depth + 1)) return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
          return false;
        }
      }
      return true;
    }
    if (!c.getName().startsWith("java.util.ImmutableCollections$")) return false;
    if (v instanceof Map<?, ?> m) {
      if (m.size() > MAX_SETTLED_ELEMENTS) return false;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!settled(e.getKey(), depth + 1) || !settled(e.getValue(), depth + 1)) return false;
      }
      return true;
    }
    if (v instanceof Collection<?> col) {
      if (col.size() > MAX_SETTLED_ELEMENTS) return false;
      for (Object e : col) if (!settled(e, depth + 1)) return false;
      return true;
    }
    return false;
  }

  /**
   * Whether {@code v}'s class has no canonical key whatever the value (a {@code Thread}, an
   * {@code AtomicInteger}): held by a reference that never changes, it can be counted by its type once.
   */
  static boolean refusedAsType(Object v) {
    return v != null && KeyWriter.refusedType(v) == v.getClass();
  }

  /** The static field {@code f} (a top-level variable in JShell), read at each call. */
  static ImplicitArgs.Source variable(Field f, String keyName) {
    try {
      f.setAccessible(true);
      MethodHandle getter = MethodHandles.lookup().unreflectGetter(f).asType(GETTER);
      return new ImplicitArgs.Source(f.getName(), keyName, true, getter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Captured value {@code index} (from 0) of lambda {@code fn}, or instance field {@code f} of a
   * function object, read at each call; null if the JVM does not let it be read (it is then keyed once).
   */
  static ImplicitArgs.Source captured(Object fn, Field f, String name) {
    try {
      f.setAccessible(true);
      MethodHandle getter = MethodHandles.lookup().unreflectGetter(f).bindTo(fn).asType(GETTER);
      return new ImplicitArgs.Source(name, name, false, getter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The field holding a lambda's captured value {@code index} (from 0): HotSpot names them {@code arg$1}, ... */
  static Field capturedField(Class<?> lambdaClass, int index) {
    try {
      return lambdaClass.getDeclaredField("arg$" + (index + 1));
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }
}
