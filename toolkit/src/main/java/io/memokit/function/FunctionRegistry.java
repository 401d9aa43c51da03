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
  /** Every identity a function had in this process: what it ran here, edits included. */
  private static final java.util.Set<FunctionId> RAN_HERE = ConcurrentHashMap.newKeySet();

  private FunctionRegistry() {}

  public static void register(NamedFunction fn) {
    BY_NAME.put(fn.id().name(), fn);
    RAN_HERE.add(fn.id());
  }

  /** Notes that this process uses identity {@code id} (a function fingerprinted anew after an edit). */
  public static void usedHere(FunctionId id) {
    RAN_HERE.add(id);
  }

  /**
   * Whether this process itself defined or used {@code id}: only then is a newer definition an edit
   * made here, rather than another kernel's code met under the same name.
   */
  public static boolean usedHereBefore(FunctionId id) {
    return RAN_HERE.contains(id);
  }

  public static Optional<NamedFunction> lookup(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The identity (version or code) this process currently defines for {@code name}, if it defines one. */
  public static Optional<FunctionId> current(String name) {
    return lookup(name).map(NamedFunction::id);
  }
}
