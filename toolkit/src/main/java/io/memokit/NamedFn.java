package io.memokit;

import io.memokit.Memo.Fn0;
import io.memokit.Memo.Fn1;
import io.memokit.Memo.Fn2;
import io.memokit.Memo.Fn3;
import io.memokit.Memo.Fn4;
import io.memokit.Memo.Fn5;
import io.memokit.function.CodeFingerprint;
import io.memokit.function.FunctionId;
import io.memokit.function.ImplicitArgs;
import io.memokit.function.NamedFunction;

/**
 * A user function with an identity: what {@link Memo#version} returns, and what
 * {@link Memo#memo(String, Fn1)} wraps before memoizing. It implements every arity's interface so
 * one class serves all; the facade hands it out typed to the right one.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class NamedFn implements NamedFunction, Fn0, Fn1, Fn2, Fn3, Fn4, Fn5 {

  private final FunctionId id;
  private final Object fn;
  private final String keyedBy;
  private final CodeFingerprint.Watch watch;
  private final ImplicitArgs reads;
  /** Its code's fingerprint, also when its version keys its cells; empty if its code could not be read. */
  private final String codeFingerprint;

  private NamedFn(FunctionId id, Object fn, String keyedBy, CodeFingerprint.Result code) {
    this.id = id;
    this.fn = fn;
    this.keyedBy = keyedBy;
    this.watch = code.watch();
    this.reads = code.reads();
    this.codeFingerprint = code.hash();
  }

  /**
   * A function named with a version: the version, not the code, decides whether its cells are valid;
   * the variables it reads are keyed at each call all the same (they are data, not code).
   */
  static NamedFn versioned(String name, Object version, int arity, Object fn) {
    FunctionId id = new FunctionId(name, FunctionId.versionText(name, version), arity);
    // Its code is read all the same: reading it makes the snippet types it names known here, so that
    // stored values holding them can be read back, and finds the variables it reads.
    CodeFingerprint.Result code = CodeFingerprint.of(name, requireFunction(name, fn));
    return new NamedFn(id, fn, "version " + id.version(), code);
  }

  /**
   * An unversioned function: its code fingerprint is part of its identity, so that editing it never
   * returns the cells of its former code; a function whose code cannot be read is keyed by name only.
   */
  static NamedFn unversioned(String name, int arity, Object fn) {
    FunctionId.checkName(name);
    CodeFingerprint.Result code = CodeFingerprint.of(name, requireFunction(name, fn));
    String keyedBy = code.isPresent() ? "code " + code.hash() + ": " + code.description()
        : "name only: its code is not fingerprinted, as " + code.description() + "; use version(name, v, fn) "
            + "and change v when it changes";
    return new NamedFn(new FunctionId(name, "", code.hash(), arity), fn, keyedBy, code);
  }

  /**
   * This function with its code fingerprinted anew if code its fingerprint read was redefined in
   * place since (a helper edited in an earlier JShell snippet, a variable it reads declared again),
   * else this function itself. A versioned function keeps its version and finds what it reads anew.
   */
  NamedFn current() {
    if (!watch.redefined()) return this;
    return id.version().isEmpty() ? unversioned(id.name(), id.arity(), fn) : versioned(id.name(), id.version(), id.arity(), fn);
  }

  private static Object requireFunction(String name, Object fn) {
    if (fn == null) throw new IllegalArgumentException("the function given for \"" + name + "\" is null");
    return fn;
  }

  @Override
  public FunctionId id() {
    return id;
  }

  @Override
  public String keyedBy() {
    return reads.appendTo(keyedBy);
  }

  @Override
  public String codeFingerprint() {
    return codeFingerprint;
  }

  /** What keys its code (its version or fingerprint), without what it reads. */
  String codeKeyedBy() {
    return keyedBy;
  }

  @Override
  public ImplicitArgs implicitArgs() {
    return reads;
  }

  /** Whether it calls itself through the handle {@link #invokeAs} passes it ({@link Memo#memoRecursive}). */
  boolean callsItself() {
    return fn instanceof Memo.Rec1 || fn instanceof Memo.Rec2 || fn instanceof Memo.Rec3;
  }

  /** Calls a function that {@linkplain #callsItself calls itself} with {@code self}, the handle it calls. */
  Object invokeAs(Object self, Object[] a) throws Exception {
    return switch (a.length) {
      case 1 -> ((Memo.Rec1) fn).apply((Memo.MemoFn1) self, a[0]);
      case 2 -> ((Memo.Rec2) fn).apply((Memo.MemoFn2) self, a[0], a[1]);
      case 3 -> ((Memo.Rec3) fn).apply((Memo.MemoFn3) self, a[0], a[1], a[2]);
      default -> throw new IllegalArgumentException(id.name() + ": a recursive function takes 1 to 3 arguments");
    };
  }

  @Override
  public Object invoke(Object[] a) throws Exception {
    if (callsItself()) throw new IllegalStateException(id.label() + " calls itself: call it through its memoized handle");
    return switch (a.length) {
      case 0 -> ((Fn0) fn).apply();
      case 1 -> ((Fn1) fn).apply(a[0]);
      case 2 -> ((Fn2) fn).apply(a[0], a[1]);
      case 3 -> ((Fn3) fn).apply(a[0], a[1], a[2]);
      case 4 -> ((Fn4) fn).apply(a[0], a[1], a[2], a[3]);
      case 5 -> ((Fn5) fn).apply(a[0], a[1], a[2], a[3], a[4]);
      default -> throw new IllegalArgumentException(id.name() + " takes at most 5 arguments");
    };
  }

  private Object call(Object... a) throws Exception {
    if (a.length != id.arity()) {
      throw new IllegalArgumentException(id.label() + " takes " + id.arity() + " argument(s), called with " + a.length);
    }
    return invoke(a);
  }

  @Override
  public Object apply() throws Exception {
    return call();
  }

  @Override
  public Object apply(Object a) throws Exception {
    return call(a);
  }

  @Override
  public Object apply(Object a, Object b) throws Exception {
    return call(a, b);
  }

  @Override
  public Object apply(Object a, Object b, Object c) throws Exception {
    return call(a, b, c);
  }

  @Override
  public Object apply(Object a, Object b, Object c, Object d) throws Exception {
    return call(a, b, c, d);
  }

  @Override
  public Object apply(Object a, Object b, Object c, Object d, Object e) throws Exception {
    return call(a, b, c, d, e);
  }

  @Override
  public String toString() {
    return id.version().isEmpty() ? "function " + id.label() : "versioned function " + id.label();
  }
}
