package io.memokit;

import io.memokit.Memo.Fn0;
import io.memokit.Memo.Fn1;
import io.memokit.Memo.Fn2;
import io.memokit.Memo.Fn3;
import io.memokit.Memo.Fn4;
import io.memokit.Memo.Fn5;
import io.memokit.function.FunctionId;
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

  NamedFn(FunctionId id, Object fn) {
    if (fn == null) throw new IllegalArgumentException("the function given for \"" + id.name() + "\" is null");
    this.id = id;
    this.fn = fn;
  }

  @Override
  public FunctionId id() {
    return id;
  }

  @Override
  public Object invoke(Object[] a) throws Exception {
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
