package io.memokit.expr;

import io.memokit.Expr;
import io.memokit.MemoException;
import io.memokit.function.FunctionId;
import io.memokit.function.FunctionRegistry;
import io.memokit.function.KeyWriter;
import io.memokit.function.KeyedByDefinition;
import io.memokit.function.NamedFunction;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An expression: a named function and its arguments, incarnated at most once until reset. Its key
 * is its definition; its serialized form is its definition ({@link Definition}); read back, it
 * finds its function by name among the functions this process defines.
 */
public class Expression<R> implements Expr<R>, KeyedByDefinition, Serializable {

  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final FunctionId id;
  private final Object[] args;
  private transient volatile NamedFunction fn;
  private transient volatile boolean incarnated;
  private transient volatile R value;

  Expression(FunctionId id, NamedFunction fn, Object[] args) {
    this.id = id;
    this.fn = fn;
    this.args = args;
  }

  /** An expression over a named function; refuses an unnamed one with a hint. */
  public static <R> Expression<R> create(Object fn, Object... args) {
    NamedFunction named = requireNamed(fn, args.length);
    return new Expression<>(named.id(), named, args.clone());
  }

  static NamedFunction requireNamed(Object fn, int argCount) {
    if (fn instanceof NamedFunction named) {
      if (named.id().arity() != argCount) {
        throw new IllegalArgumentException(named.id().label() + " takes " + named.id().arity() + " argument(s), the "
            + "expression gives " + argCount);
      }
      return named;
    }
    if (fn == null) throw new IllegalArgumentException("the function of an expression must not be null");
    throw new IllegalArgumentException("an expression needs a named function, so that it can be keyed and saved by "
        + "definition: memoize it with memo(name, fn) or name it with version(name, v, fn)");
  }

  FunctionId id() {
    return id;
  }

  Object[] rawArguments() {
    return args;
  }

  @Override
  public R get() {
    if (incarnated) return value;
    synchronized (this) {
      if (!incarnated) {
        @SuppressWarnings("unchecked")
        R v = (R) invoke(resolve());
        value = v;
        incarnated = true;
      }
      return value;
    }
  }

  private Object invoke(NamedFunction f) {
    try {
      return f.invoke(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw Rethrow.as(e);
    }
  }

  /** The function: the one given, or, for an expression read back from a store, the one defined here now. */
  private NamedFunction resolve() {
    NamedFunction f = fn;
    if (f != null) return f;
    f = FunctionRegistry.lookup(id.name()).orElseThrow(() -> new MemoException("expression " + this + " needs "
        + "function \"" + id.name() + "\", which is not defined in this process: define it with memo(...) or "
        + "version(...) before using this value"));
    if (f.id().arity() != id.arity()) {
      throw new MemoException("expression " + this + " calls \"" + id.name() + "\" with " + id.arity()
          + " argument(s), but this process defines it with " + f.id().arity());
    }
    if (!f.id().version().equals(id.version()) || !f.id().code().equals(id.code())) {
      LOG.log(System.Logger.Level.WARNING, "memokit: expression " + this + " was saved with " + id.describe()
          + "; this process defines " + f.id().describe() + ", which is used");
    }
    fn = f;
    return f;
  }

  @Override
  public synchronized void reset() {
    incarnated = false;
    value = null;
  }

  @Override
  public boolean isIncarnated() {
    return incarnated;
  }

  @Override
  public String function() {
    return id.version().isEmpty() ? id.name() : id.name() + "{" + id.version() + "}";
  }

  @Override
  public List<Object> arguments() {
    return Collections.unmodifiableList(Arrays.asList(args));
  }

  boolean isMap() {
    return false;
  }

  /**
   * The function's identity and, when it reads variables (see {@code ImplicitArgs}), their values now:
   * an expression over a function reading {@code k} is another definition once {@code k} changes.
   * An expression read back from a store counts with what its function reads when this process
   * defines that very function.
   */
  @Override
  public void writeKey(KeyWriter out) {
    out.writeString("expr");
    NamedFunction f = fn;
    if (f == null) f = FunctionRegistry.lookup(id.name()).filter(g -> g.id().equals(id)).orElse(null);
    if (f != null && f.id().equals(id)) out.write(f);
    else out.writeFunction(id);
    out.writeInt(args.length);
    for (int i = 0; i < args.length; i++) out.child(args[i], " in " + function() + " argument " + (i + 1));
  }

  /** Saved by definition: the function's identity and the arguments, never the value. */
  protected Object writeReplace() throws ObjectStreamException {
    return new Definition(id.name(), id.version(), id.code(), id.arity(), args, isMap());
  }

  /** The definition, readable: {@code mapExpr stepA({a=1}) [lazy]}; nested expressions alike. */
  @Override
  public String toString() {
    return Render.text(this);
  }
}
