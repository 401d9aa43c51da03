package io.memokit.function;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class names that stay the same from one process to the next. JShell (and so every JShell-based
 * notebook kernel) compiles each snippet into a wrapper class whose number changes with the
 * session, {@code REPL.$JShell$12$Point}; the stable name of that class is {@code Point}.
 *
 * <p>It also knows the snippet classes this process uses, by stable name, newest definition last
 * known: a stored value naming {@code Point} is read back as the {@code Point} this session defines,
 * whatever its snippet number, and after it was redefined.
 */
public final class TypeNames {

  private static final Pattern JSHELL_WRAPPER = Pattern.compile("^REPL\\.\\$JShell\\$\\d+[A-Z]*\\$(.+)$");
  private static final Map<String, Class<?>> SNIPPET_CLASSES = new ConcurrentHashMap<>();

  private TypeNames() {}

  public static String stable(Class<?> c) {
    return stable(c.getName());
  }

  public static String stable(String className) {
    Matcher m = JSHELL_WRAPPER.matcher(className);
    return m.matches() ? m.group(1) : className;
  }

  /** Whether {@code className} is one JShell generated for a snippet. */
  public static boolean isJShellSnippet(String className) {
    return JSHELL_WRAPPER.matcher(className).matches();
  }

  /**
   * Remembers {@code c}, if it is a snippet class, as the class its stable name stands for in this
   * process, with the snippet classes its fields and record components declare (at any depth,
   * generic arguments included), so that values holding them can be read back.
   */
  public static void remember(Class<?> c) {
    remember(c, 0);
  }

  private static void remember(Type t, int depth) {
    if (depth > 16) return;
    if (t instanceof ParameterizedType p) {
      remember(p.getRawType(), depth + 1);
      for (Type a : p.getActualTypeArguments()) remember(a, depth + 1);
      return;
    }
    if (!(t instanceof Class<?> c)) return;
    while (c.isArray()) c = c.getComponentType();
    if (!isJShellSnippet(c.getName()) || SNIPPET_CLASSES.put(stable(c), c) == c) return;
    try {
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) remember(rc.getGenericType(), depth + 1);
      } else {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) remember(f.getGenericType(), depth + 1);
        }
      }
    } catch (LinkageError | RuntimeException e) {
      // a type that cannot be inspected: it is remembered, its parts are not
    }
  }

  /** The snippet class this process knows under {@code stableName}, or null. */
  public static Class<?> snippetClass(String stableName) {
    return SNIPPET_CLASSES.get(stableName);
  }

  /**
   * A type's name as every JVM spells it: a lambda's class is hidden and numbered in the order this
   * JVM made its lambdas ({@code Outer$$Lambda$14/0x0000000800c03000}), so it is named by its
   * outer class only ({@code Outer$$Lambda}); snippet classes by their stable name.
   */
  static String stableType(Class<?> c) {
    String name = c.getName();
    int lambda = name.indexOf("$$Lambda");
    if (lambda >= 0) {
      name = name.substring(0, lambda) + "$$Lambda";
    } else if (c.isHidden()) {
      name = name.replaceFirst("/0x[0-9a-fA-F]+$", "");
    }
    return TypeNames.stable(name);
  }
}
