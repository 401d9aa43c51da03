package io.memokit.expr;

import io.memokit.function.FunctionId;
import java.io.Serializable;

/**
 * The saved form of an expression: function identity and arguments. Read back, it becomes an
 * expression that finds its function by name when first incarnated.
 */
final class Definition implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final String version;
  /** The code fingerprint; absent (null) in definitions saved before fingerprints existed. */
  private final String code;
  private final int arity;
  private final Object[] args;
  private final boolean map;

  Definition(String name, String version, String code, int arity, Object[] args, boolean map) {
    this.name = name;
    this.version = version;
    this.code = code;
    this.arity = arity;
    this.args = args;
    this.map = map;
  }

  private Object readResolve() {
    FunctionId id = new FunctionId(name, version, code == null ? "" : code, arity);
    return map ? new MapExpression<>(id, null, args) : new Expression<>(id, null, args);
  }
}
