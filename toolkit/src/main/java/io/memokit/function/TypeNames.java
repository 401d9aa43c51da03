package io.memokit.function;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class names that stay the same from one process to the next. JShell (and so every JShell-based
 * notebook kernel) compiles each snippet into a wrapper class whose number changes with the
 * session, {@code REPL.$JShell$12$Point}; the stable name of that class is {@code Point}.
 */
public final class TypeNames {

  private static final Pattern JSHELL_WRAPPER = Pattern.compile("^REPL\\.\\$JShell\\$\\d+[A-Z]*\\$(.+)$");

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
}
