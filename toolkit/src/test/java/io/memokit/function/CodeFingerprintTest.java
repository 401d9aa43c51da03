package io.memokit.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code fingerprints of functions compiled here from source, each compilation in its own class
 * loader, as two JShell sessions or two JVMs would hold them: the same source gives the same
 * fingerprint, any change to the code a function runs gives another.
 */
@Tag("both-jdks")
class CodeFingerprintTest {

  @TempDir
  Path tmp;
  private int compilations;

  private static final String FN = "public interface Fn extends java.io.Serializable { Object apply(Object x); }";

  /** Compiles {@code sources} (class name to source) into a fresh class loader. */
  private ClassLoader compile(Map<String, String> sources) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("c" + (++compilations)));
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = dir.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      files.add(file.toString());
    }
    files.add(0, "-d");
    files.add(1, dir.toString());
    files.add(2, "-proc:none");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    int rc = javac.run(null, null, new java.io.PrintStream(new org.apache.commons.io.output.WriterOutputStream(
        errors, java.nio.charset.StandardCharsets.UTF_8), true), files.toArray(new String[0]));
    assertEquals(0, rc, errors.toString());
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  /** The function returned by static method {@code make} of class {@code main}. */
  private static Object make(ClassLoader loader, String main, Object... args) throws Exception {
    for (var m : loader.loadClass(main).getDeclaredMethods()) {
      if (m.getName().equals("make") && m.getParameterCount() == args.length) {
        m.setAccessible(true);
        return m.invoke(null, args);
      }
    }
    throw new AssertionError("no make method in " + main);
  }

  private String fingerprint(Map<String, String> sources, String main, Object... args) throws Exception {
    CodeFingerprint.Result r = CodeFingerprint.of("f", make(compile(sources), main, args));
    assertTrue(r.isPresent(), r.description());
    return r.hash();
  }

  private static Map<String, String> app(String body, String helper, String extra) {
    return Map.of("p.Fn", "package p; " + FN, "p.App", """
        package p;
        public class App {
          %s
          static int helper(int x) { %s }
          static Fn make() { return x -> %s; }
        }
        """.formatted(extra, helper, body));
  }

  @Test
  void theSameSourceInTwoClassLoadersGivesTheSameFingerprint() throws Exception {
    Map<String, String> src = app("helper((Integer) x) * 2", "return x + 1;", "");
    assertEquals(fingerprint(src, "p.App"), fingerprint(src, "p.App"));
  }

  @Test
  void anEditedBodyGivesAnotherFingerprint() throws Exception {
    assertNotEquals(fingerprint(app("helper((Integer) x) * 2", "return x + 1;", ""), "p.App"),
        fingerprint(app("helper((Integer) x) * 3", "return x + 1;", ""), "p.App"));
  }

  @Test
  void anEditedHelperItCallsGivesAnotherFingerprint() throws Exception {
    assertNotEquals(fingerprint(app("helper((Integer) x) * 2", "return x + 1;", ""), "p.App"),
        fingerprint(app("helper((Integer) x) * 2", "return x + 2;", ""), "p.App"));
  }

  @Test
  void codeItDoesNotReachAndItsPlaceInTheClassDoNotCount() throws Exception {
    String base = fingerprint(app("helper((Integer) x) * 2", "return x + 1;", ""), "p.App");
    assertEquals(base, fingerprint(app("helper((Integer) x) * 2", "return x + 1;",
        "static int unused(int y) { return y * 7; } static Fn other() { return y -> y; }"), "p.App"),
        "a method it never calls and a lambda placed before it change nothing");
    assertEquals(base, fingerprint(app("helper((Integer) x)\n\n   * 2", "return x + 1;", "\n\n\n"), "p.App"),
        "line numbers are not part of the code");
  }

  @Test
  void nestedLambdasAndHelpersAreFollowedTransitively() throws Exception {
    String deep = """
        package p;
        public class App {
          static int inner(int x) { return x - %d; }
          static int helper(int x) { java.util.function.IntUnaryOperator op = y -> inner(y); return op.applyAsInt(x); }
          static Fn make() { return x -> helper((Integer) x); }
        }
        """;
    assertNotEquals(fingerprint(Map.of("p.Fn", "package p; " + FN, "p.App", deep.formatted(1)), "p.App"),
        fingerprint(Map.of("p.Fn", "package p; " + FN, "p.App", deep.formatted(2)), "p.App"));
  }

  @Test
  void capturedValuesCountByTheirKey() throws Exception {
    Map<String, String> src = Map.of("p.Fn", "package p; " + FN, "p.App",
        "package p; public class App { static Fn make(int k) { return x -> (Integer) x * k; } }");
    assertEquals(fingerprint(src, "p.App", 3), fingerprint(src, "p.App", 3));
    assertNotEquals(fingerprint(src, "p.App", 3), fingerprint(src, "p.App", 4));
  }

  /** JShell compiles each snippet into a class {@code REPL.$JShell$N}, N changing from session to session. */
  private static Map<String, String> snippets(int helperSnippet, int fnSnippet, String helperBody) {
    String h = "$JShell$" + helperSnippet;
    String f = "$JShell$" + fnSnippet;
    return Map.of("p.Fn", "package p; " + FN,
        "REPL." + h, "package REPL; public class " + h + " { public static int helper(int x) { " + helperBody + " } }",
        "REPL." + f, "package REPL; import static REPL." + h + ".helper; public class " + f
            + " { public static p.Fn make() { return x -> helper((Integer) x) * 3; } }");
  }

  @Test
  void jshellSnippetNumbersDoNotCountButHelpersInEarlierSnippetsDo() throws Exception {
    String first = fingerprint(snippets(11, 12, "return x + 1;"), "REPL.$JShell$12");
    assertEquals(first, fingerprint(snippets(40, 57, "return x + 1;"), "REPL.$JShell$57"),
        "another session, other snippet numbers");
    assertNotEquals(first, fingerprint(snippets(11, 12, "return x + 2;"), "REPL.$JShell$12"),
        "a helper edited in an earlier snippet");
  }

  /** A named function standing for a memoized one held in a snippet variable. */
  record Named(FunctionId id) implements NamedFunction {
    @Override
    public Object invoke(Object[] args) {
      return null;
    }
  }

  @Test
  void aFunctionInASnippetVariableCountsByItsIdentityOtherVariablesDoNot() throws Exception {
    Map<String, String> src = Map.of("p.Fn", "package p; " + FN,
        "REPL.$JShell$5", "package REPL; public class $JShell$5 { public static Object g; public static int factor = 3; }",
        "REPL.$JShell$12", "package REPL; import static REPL.$JShell$5.*; public class $JShell$12 { public static p.Fn "
            + "make() { return x -> String.valueOf(g) + factor; } }");
    ClassLoader loader = compile(src);
    Object fn = make(loader, "REPL.$JShell$12");
    Class<?> vars = loader.loadClass("REPL.$JShell$5");
    vars.getField("g").set(null, new Named(new FunctionId("g", "", "00000000000000aa", 1)));
    String first = CodeFingerprint.of("f", fn).hash();
    vars.getField("factor").setInt(null, 4);
    assertEquals(first, CodeFingerprint.of("f", fn).hash(), "a plain variable is state, not code");
    assertEquals(java.util.List.of("g", "factor"), CodeFingerprint.of("f", fn).reads().variables(),
        "variables are read and keyed at each call instead");
    vars.getField("g").set(null, new Named(new FunctionId("g", "", "00000000000000bb", 1)));
    assertNotEquals(first, CodeFingerprint.of("f", fn).hash(), "g's code changed");
    vars.getField("g").set(null, new Named(new FunctionId("g", "", "00000000000000aa", 1)));
    assertEquals(first, CodeFingerprint.of("f", fn).hash());
  }

  @Test
  void aMethodReferenceIntoTheJdkIsKeyedByItsTarget() {
    io.memokit.Memo.Fn1<Object, String> f = String::valueOf;
    io.memokit.Memo.Fn1<String, Integer> length = String::length;
    io.memokit.Memo.Fn1<String, Integer> hash = String::hashCode;
    io.memokit.Memo.Fn1<Object, String> f2 = String::valueOf;
    CodeFingerprint.Result r = CodeFingerprint.of("f", f);
    assertTrue(r.isPresent());
    assertTrue(r.description().contains("java.lang.String::valueOf"), r.description());
    assertEquals(r.hash(), CodeFingerprint.of("f", f2).hash(), "one target, one fingerprint");
    assertNotEquals(CodeFingerprint.of("f", length).hash(), CodeFingerprint.of("f", hash).hash());
    // A bound reference: its receiver is a captured value.
    io.memokit.Memo.Fn1<String, Boolean> a = "abc"::startsWith;
    io.memokit.Memo.Fn1<String, Boolean> b = "abd"::startsWith;
    assertNotEquals(CodeFingerprint.of("f", a).hash(), CodeFingerprint.of("f", b).hash());
  }

  @Test
  void aClassImplementingTheFunctionIsFingerprintedByItsApplyMethod() throws Exception {
    String cls = """
        package p;
        public class App implements Fn {
          final int k;
          App(int k) { this.k = k; }
          public Object apply(Object x) { return (Integer) x + %s; }
          static Fn make(int k) { return new App(k); }
        }
        """;
    Map<String, String> a = Map.of("p.Fn", "package p; " + FN, "p.App", cls.formatted("k"));
    assertEquals(fingerprint(a, "p.App", 2), fingerprint(a, "p.App", 2));
    assertNotEquals(fingerprint(a, "p.App", 2), fingerprint(a, "p.App", 5), "its fields are its captured values");
    assertNotEquals(fingerprint(a, "p.App", 2),
        fingerprint(Map.of("p.Fn", "package p; " + FN, "p.App", cls.formatted("k * 2")), "p.App", 2));
  }

  @Test
  void aCapturedLambdaCountsByItsOuterClassNotByTheNumberThisJvmGaveIt() throws Exception {
    // A lambda's class is hidden and numbered in the order the JVM made it: two loads of the same
    // source (two processes, in effect) number it differently, and the fingerprint must not see it.
    Map<String, String> src = Map.of("p.Fn", "package p; " + FN, "p.App", """
        package p;
        public class App {
          static Fn make() {
            java.util.function.IntUnaryOperator body = k -> k * k; // not Serializable: no canonical key
            return x -> body.applyAsInt((Integer) x);
          }
        }
        """);
    ClassLoader first = compile(src);
    CodeFingerprint.Result a = CodeFingerprint.of("f", make(first, "p.App"));
    for (int i = 0; i < 3; i++) make(compile(src), "p.App"); // other lambdas made in between
    CodeFingerprint.Result b = CodeFingerprint.of("f", make(compile(src), "p.App"));
    assertTrue(a.isPresent(), a.description());
    assertEquals(a.hash(), b.hash(), a.description() + " / " + b.description());
    assertTrue(a.description().contains("p.App$$Lambda") && !a.description().contains("/0x"), a.description());
  }
}
