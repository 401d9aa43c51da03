package io.memokit.function;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named functions defined in this process, by name: the last definition of a name wins, as
 * when a notebook cell is run again. Expressions read back from a store find their function here.
 */
public final class FunctionRegistry {

  private static final Map<String, NamedFunction> BY_NAME = new ConcurrentHashMap<>();

  private FunctionRegistry() {}

  public static void register(NamedFunction fn) {
    BY_NAME.put(fn.id().name(), fn);
  }

  public static Optional<NamedFunction> lookup(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The identity (version or code) this process currently defines for {@code name}, if it defines one. */
  public static Optional<FunctionId> current(String name) {
    return lookup(name).map(NamedFunction::id);
  }
}
