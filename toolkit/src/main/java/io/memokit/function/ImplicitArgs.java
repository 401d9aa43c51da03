package io.memokit.function;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a function reads besides its arguments, keyed at each call as if it were an argument: the
 * top-level variables it reads (a JShell snippet's static fields, directly or through the helpers
 * its code fingerprint follows) and the values it captures that could change after it was defined
 * (a captured {@code ArrayList} or {@code int[]}). Their values at call time are part of the cell's
 * key ({@link KeyWriter#probe(String, Object[], ImplicitArgs)}), so that equal values in two
 * kernels share cells and unequal ones never do. Arguments and variables the user says the function
 * ignores ({@link #ignoring}) never reach the key.
 *
 * <p>A value that has no canonical key counts by its type only; {@link #appendTo} lists those met.
 * Immutable captured values are not here: the code fingerprint keys them once.
 */
public final class ImplicitArgs {

  /** Reads nothing, ignores nothing: what a function pays for that is one branch per call. */
  public static final ImplicitArgs NONE = new ImplicitArgs(new Source[0], new boolean[0], Set.of(), new Sink());

  /**
   * One value read at call time. {@code name} is how the user calls it ({@code k}, {@code captured
   * value 1}); {@code keyName} is how the key spells it, the same in every JVM and JShell session
   * ({@code REPL.$JShell$.k}); {@code getter} takes no argument and returns the value now.
   */
  static final class Source {
    final String name;
    final String keyName;
    /** {@code keyName} as the key writes a string, encoded once: a call does not encode it again. */
    final byte[] keyNameBytes;
    final boolean variable;
    private final MethodHandle getter;
    /** A type whose values were refused a key: a value of exactly this class is counted by type at once. */
    volatile Class<?> refusedType;

    Source(String name, String keyName, boolean variable, MethodHandle getter) {
      this.name = name;
      this.keyName = keyName;
      this.keyNameBytes = KeyWriter.utf8(keyName);
      this.variable = variable;
      this.getter = getter;
    }

    Object read() {
      try {
        return (Object) getter.invokeExact();
      } catch (Throwable t) {
        throw new IllegalStateException("memokit cannot read " + name + ": " + t, t);
      }
    }
  }

  /** The values met that had no canonical key, shared by every view of one definition. */
  private static final class Sink {
    final Set<String> notKeyed = ConcurrentHashMap.newKeySet();
  }

  private final Source[] sources;
  private final boolean[] ignoredArgs;
  private final Set<String> ignoredVariables;
  private final Sink sink;

  private ImplicitArgs(Source[] sources, boolean[] ignoredArgs, Set<String> ignoredVariables, Sink sink) {
    this.sources = sources;
    this.ignoredArgs = ignoredArgs;
    this.ignoredVariables = ignoredVariables;
    this.sink = sink;
  }

  static ImplicitArgs of(List<Source> sources) {
    return sources.isEmpty() ? NONE
        : new ImplicitArgs(sources.toArray(new Source[0]), new boolean[0], Set.of(), new Sink());
  }

  /** Whether there is nothing to read or ignore: the key is that of the arguments alone. */
  public boolean isEmpty() {
    return sources.length == 0 && ignoredArgs.length == 0;
  }

  int size() {
    return sources.length;
  }

  Source source(int i) {
    return sources[i];
  }

  /** Whether argument {@code i} (from 0) is ignored. */
  boolean ignoresArg(int i) {
    return i < ignoredArgs.length && ignoredArgs[i];
  }

  /** The names of the variables read at each call, in the order the code reads them. */
  public List<String> variables() {
    List<String> names = new ArrayList<>();
    for (Source s : sources) if (s.variable) names.add(s.name);
    return names;
  }

  /** What is read at each call, in words ({@code variables k, list; captured value 1}), or {@code ""}. */
  public String describe() {
    List<String> variables = variables();
    List<String> captured = new ArrayList<>();
    for (Source s : sources) if (!s.variable) captured.add(s.name);
    List<String> parts = new ArrayList<>();
    if (!variables.isEmpty()) parts.add((variables.size() == 1 ? "variable " : "variables ") + String.join(", ", variables));
    if (!captured.isEmpty()) parts.add(String.join(", ", captured));
    String read = parts.isEmpty() ? "" : "reads at each call " + String.join("; ", parts);
    List<String> ignored = new ArrayList<>(ignoredVariables);
    for (int i = 0; i < ignoredArgs.length; i++) if (ignoredArgs[i]) ignored.add("argument " + (i + 1));
    if (!ignored.isEmpty()) read += (read.isEmpty() ? "" : "; ") + "ignores " + String.join(", ", ignored);
    return read;
  }

  /**
   * Records that {@code source} held a value of {@code type} with no canonical key; returns how a
   * user reads it: {@code variable t (java.lang.Thread)}.
   */
  String noteNotKeyed(Source source, Class<?> type) {
    source.refusedType = type;
    String what = (source.variable ? "variable " : "") + source.name + " (" + TypeNames.stable(type) + ")";
    sink.notKeyed.add(what);
    return what;
  }

  /**
   * {@code keyedBy} (what keys the function's code) followed by what it reads at each call, what it
   * ignores and what it met that had no canonical key: the line {@code info().keyedBy()} shows.
   */
  public String appendTo(String keyedBy) {
    String read = describe();
    List<String> notKeyed = new ArrayList<>();
    for (String what : sink.notKeyed) {
      boolean ignored = false;
      for (String v : ignoredVariables) ignored |= what.startsWith("variable " + v + " (");
      if (!ignored) notKeyed.add(what);
    }
    java.util.Collections.sort(notKeyed);
    return keyedBy + (read.isEmpty() ? "" : "; " + read)
        + (notKeyed.isEmpty() ? "" : "; not keyed, counted by type only: " + String.join(", ", notKeyed));
  }

  /**
   * These reads without the variables named and with the arguments at {@code argPositions} (from
   * 1) ignored. A name the function does not read, or a position outside {@code 1..arity}, is
   * refused naming it (and what the function does read).
   */
  public ImplicitArgs ignoring(String function, int arity, Collection<String> variables, Collection<Integer> argPositions) {
    Set<String> known = new LinkedHashSet<>(variables());
    known.addAll(ignoredVariables);
    for (String v : variables) {
      if (v == null || !known.contains(v)) {
        throw new IllegalArgumentException(function + ".ignoring: it reads no variable named " + (v == null ? "null"
            : "\"" + v + "\"") + (known.isEmpty() ? "; it reads no top-level variable" : "; it reads " + String.join(", ", known)));
      }
    }
    boolean[] args = ignoredArgs.length == 0 ? new boolean[arity] : ignoredArgs.clone();
    for (Integer p : argPositions) {
      if (p == null || p < 1 || p > arity) {
        throw new IllegalArgumentException(function + ".ignoringArguments: position " + p + " is outside 1.." + arity
            + " (positions count from 1)");
      }
      args[p - 1] = true;
    }
    return ignoring(variables, args);
  }

  /** These reads with {@code variables} and the arguments marked in {@code args} ignored, unchecked. */
  public ImplicitArgs ignoring(Collection<String> variables, boolean[] args) {
    Set<String> ignored = new LinkedHashSet<>(ignoredVariables);
    ignored.addAll(variables);
    List<Source> kept = new ArrayList<>();
    for (Source s : sources) if (!(s.variable && ignored.contains(s.name))) kept.add(s);
    boolean anyArg = false;
    for (boolean a : args) anyArg |= a;
    return new ImplicitArgs(kept.toArray(new Source[0]), anyArg ? args : new boolean[0], Set.copyOf(ignored), sink);
  }

  /** The variables and argument positions (as flags, from 0) ignored: to apply to a redefinition. */
  public Set<String> ignoredVariables() {
    return ignoredVariables;
  }

  public boolean[] ignoredArgs() {
    return ignoredArgs.clone();
  }
}
