package io.memokit.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which classes values read from a store may instantiate. Patterns: {@code com.acme.Point} (one
 * class), {@code com.acme.*} (a package), {@code com.acme.**} (a package and its sub-packages); a
 * class defined in a JShell snippet or notebook cell by its own name ({@code Box}).
 * Arrays are judged by their element type; primitives always pass. The classes memokit itself
 * writes (its expressions, stored exceptions), the JDK's value classes that ordinary results are
 * made of ({@link #BASE}, exact names for memokit's own), enums (read by the constant's name) and
 * records (rebuilt through their canonical constructor, as Java serialization rebuilds them) are
 * always allowed: {@link #DEFAULT} allows exactly those.
 */
public final class ClassAllowList implements Predicate<Class<?>> {

  /** Always allowed: memokit's own serialized forms and the JDK's plain value and collection classes. */
  public static final List<String> BASE = List.of("io.memokit.expr.Definition", "io.memokit.expr.ChainMap",
      "io.memokit.codec.StoredThrowable", "io.memokit.cell.StoredError", "io.memokit.MemoException", "java.lang.*", "java.util.*",
      "java.time.*", "java.math.*");

  /** Only what is always allowed: the default for a store others can write ({@link ReadPolicy}). */
  public static final ClassAllowList DEFAULT = new ClassAllowList(BASE);

  private final List<String> patterns;

  private ClassAllowList(List<String> patterns) {
    this.patterns = patterns;
  }

  /** An allow-list of {@link #BASE} plus {@code patterns}; a malformed pattern is refused with the reason. */
  public static ClassAllowList of(List<String> patterns) {
    List<String> all = new ArrayList<>(BASE);
    for (String p : patterns) {
      String t = p == null ? "" : p.trim();
      if (t.isEmpty() || !t.matches("[\\p{L}\\p{N}_$.]+(\\.\\*\\*|\\.\\*)?") || t.startsWith(".") || t.contains("..")) {
        throw new IllegalArgumentException("class pattern \"" + p + "\" is not valid: use a class name "
            + "(com.acme.Point), a package (com.acme.*) or a package tree (com.acme.**)");
      }
      all.add(t);
    }
    return new ClassAllowList(List.copyOf(all));
  }

  /** The allow-list named by the system property {@code memokit.allowedClasses} (comma-separated), or null. */
  public static ClassAllowList fromSystemProperty() {
    String v = System.getProperty("memokit.allowedClasses");
    if (v == null || v.isBlank()) return null;
    return of(List.of(v.split(",")));
  }

  @Override
  public boolean test(Class<?> c) {
    while (c.isArray()) c = c.getComponentType();
    if (c.isPrimitive() || c.isRecord() || Enum.class.isAssignableFrom(c)) return true;
    String name = c.getName();
    String stable = io.memokit.function.TypeNames.stable(name); // a snippet's class by its own name too (Box)
    return matches(name) || !stable.equals(name) && matches(stable);
  }

  private boolean matches(String name) {
    for (String p : patterns) {
      if (p.endsWith(".**")) {
        if (name.startsWith(p.substring(0, p.length() - 2))) return true;
      } else if (p.endsWith(".*")) {
        String pkg = p.substring(0, p.length() - 1);
        if (name.startsWith(pkg) && name.indexOf('.', pkg.length()) < 0) return true;
      } else if (name.equals(p) || name.startsWith(p + "$")) {
        return true;
      }
    }
    return false;
  }

  public List<String> patterns() {
    return patterns;
  }

  @Override
  public String toString() {
    return String.join(", ", patterns);
  }
}
