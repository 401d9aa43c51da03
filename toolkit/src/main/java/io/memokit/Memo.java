package io.memokit;

import io.memokit.cell.Trace;
import io.memokit.expr.ChainMap;
import io.memokit.expr.Expression;
import io.memokit.expr.MapExpression;
import io.memokit.function.FunctionId;
import io.memokit.function.FunctionRegistry;
import io.memokit.function.NamedFunction;
import io.memokit.storage.Backends;
import io.memokit.storage.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * memokit's facade: persistent, cross-process memoization for JShell and notebooks. Use it as
 * {@code import static io.memokit.Memo.*;}.
 *
 * <pre>{@code
 * var store = store("/tmp/cache");
 * var add = memo(store, "add", (Integer x, Integer y) -> x + y);
 * add.apply(1, 2);                       // MISS: computed and stored
 * add.apply(1, 2);                       // HIT, in this process or any other, even after a restart
 * var v = memo(store, version("vfunc", 2, (Integer x) -> x * 10));   // block vfunc{2}(1)
 * }</pre>
 *
 * <p>Guarantees: a cell (one function, version and argument list) is computed at most once at a
 * time across the threads and processes sharing a store; others wait for it (and take over if the
 * computing process dies); its value or exception is stored and returned to every later call;
 * a stored value is returned only if whole and checksummed. Arguments are keyed canonically (equal
 * values give equal keys in every JVM); arguments of other types are refused with an error naming
 * them. A value a caller could change (an array, a modifiable collection, an object of a plain
 * class) is decoded afresh for each hit, so no caller changes what the next one gets; values nobody
 * can change are handed out as they are.
 *
 * <p>The default store is the directory named by the system property {@code memokit.store}, else
 * the environment variable {@code MEMOKIT_STORE}, else {@code ~/.cache/memokit}.
 */
public final class Memo {

  static {
    // Inside an IJava or JJava kernel, stores, functions, cells, expressions and progress bars then
    // render as HTML tables with no line to type; elsewhere this finds no kernel (see NotebookKernels).
    io.memokit.display.NotebookKernels.installQuietly();
  }

  private Memo() {}

  /**
   * A function of 0 arguments, the type memokit memoizes; it may throw any exception.
   * {@code Serializable} only so that memokit can read a lambda's code to fingerprint it; it is never serialized.
   */
  @FunctionalInterface
  public interface Fn0<R> extends java.io.Serializable {
    R apply() throws Exception;
  }

  /**
   * A memoized function of 0 arguments: {@code apply} returns the stored value or
   * re-throws the stored exception (as it is, checked or not), computing it once across processes
   * on a miss.
   */
  public interface MemoFn0<R> extends Fn0<R>, Memoized {
    @Override
    R apply();

    /** A view of this function that never computes: a miss raises {@link MemoException}. */
    MemoFn0<R> cacheOnly();

    /**
     * A view of this function that does not store exceptions of these types (transient failures,
     * such as an {@code IOException} of a flaky network): they are thrown, and the next call computes
     * again. Every other exception is stored and re-thrown like a value.
     */
    MemoFn0<R> notStoring(Class<?>... exceptionTypes);

    /**
     * A view of this function that does not depend on these top-level variables (a log path, a
     * verbosity flag, a progress callback): it does not read them for its key, so their values never
     * split its cells. A name it does not read is refused, naming what it reads.
     */
    MemoFn0<R> ignoring(String... variables);

    /** Whether this call's cell is stored and valid, as a value or an exception; never computes, never waits. */
    boolean isCached();

    /** This call's stored value (a hit), never computing or waiting; empty if none. A stored exception is thrown. */
    Optional<R> peek();

    /** Removes this call's cell from the store, for every process; returns whether one was stored. */
    boolean forget();

    /** A view of this function that recomputes (and replaces) cells written more than {@code maxAge} ago. */
    MemoFn0<R> expireAfterWrite(Duration maxAge);

    /** A view of this function that uses a stored cell only if {@code valid} accepts it; else recomputes it. */
    MemoFn0<R> validIf(Predicate<CellAge> valid);
  }

  /**
   * A function of 1 argument, the type memokit memoizes; it may throw any exception.
   * {@code Serializable} only so that memokit can read a lambda's code to fingerprint it; it is never serialized.
   */
  @FunctionalInterface
  public interface Fn1<A, R> extends java.io.Serializable {
    R apply(A a) throws Exception;
  }

  /**
   * A memoized function of 1 argument: {@code apply} returns the stored value or
   * re-throws the stored exception (as it is, checked or not), computing it once across processes
   * on a miss.
   */
  public interface MemoFn1<A, R> extends Fn1<A, R>, Memoized {
    @Override
    R apply(A a);

    /** A view of this function that never computes: a miss raises {@link MemoException}. */
    MemoFn1<A, R> cacheOnly();

    /**
     * A view of this function that does not store exceptions of these types (transient failures,
     * such as an {@code IOException} of a flaky network): they are thrown, and the next call computes
     * again. Every other exception is stored and re-thrown like a value.
     */
    MemoFn1<A, R> notStoring(Class<?>... exceptionTypes);

    /**
     * A view of this function that does not depend on these top-level variables (a log path, a
     * verbosity flag, a progress callback): it does not read them for its key, so their values never
     * split its cells. A name it does not read is refused, naming what it reads.
     */
    MemoFn1<A, R> ignoring(String... variables);

    /**
     * A view of this function whose key leaves out the arguments at these positions (from 1): calls
     * differing only there share one cell.
     */
    MemoFn1<A, R> ignoringArguments(int... positions);

    /** Whether this call's cell is stored and valid, as a value or an exception; never computes, never waits. */
    boolean isCached(A a);

    /** This call's stored value (a hit), never computing or waiting; empty if none. A stored exception is thrown. */
    Optional<R> peek(A a);

    /** Removes this call's cell from the store, for every process; returns whether one was stored. */
    boolean forget(A a);

    /** A view of this function that recomputes (and replaces) cells written more than {@code maxAge} ago. */
    MemoFn1<A, R> expireAfterWrite(Duration maxAge);

    /** A view of this function that uses a stored cell only if {@code valid} accepts it; else recomputes it. */
    MemoFn1<A, R> validIf(Predicate<CellAge> valid);

    /**
     * A sweep: this function over {@code inputs}, shared with every process sweeping the same inputs
     * on the same store, with no coordinator. Each process computes the cells nobody has claimed,
     * skips those in progress elsewhere, then collects them (waiting as a single call does, and
     * taking a cell over if the process computing it dies).
     *
     * <p>Returns the results in the collection's iteration order (an unmodifiable list; nulls
     * allowed); every input yields exactly what {@code apply} would. An exception that is the
     * function's answer for an input (stored, or of a type {@link #notStoring} names) does not stop
     * the sweep: once every input is resolved (and stored), the sweep throws the exception of the
     * first such input in input order, as {@code apply} would throw it. Errors, interrupts and
     * {@link MemoException}s (a cache-only view's miss, say) stop the sweep at once; what it
     * computed is stored, and the cells it held are released to the other processes.
     *
     * <p>In a notebook it shows a progress bar of the inputs hit, computed here and computed
     * elsewhere; outside one, a sweep lasting over 2 s prints that line every 10% and at the end.
     *
     * @throws IllegalArgumentException if {@code inputs} is null
     */
    List<R> map(Collection<? extends A> inputs);
  }

  /**
   * A function of 2 arguments, the type memokit memoizes; it may throw any exception.
   * {@code Serializable} only so that memokit can read a lambda's code to fingerprint it; it is never serialized.
   */
  @FunctionalInterface
  public interface Fn2<A, B, R> extends java.io.Serializable {
    R apply(A a, B b) throws Exception;
  }

  /**
   * A memoized function of 2 arguments: {@code apply} returns the stored value or
   * re-throws the stored exception (as it is, checked or not), computing it once across processes
   * on a miss.
   */
  public interface MemoFn2<A, B, R> extends Fn2<A, B, R>, Memoized {
    @Override
    R apply(A a, B b);

    /** A view of this function that never computes: a miss raises {@link MemoException}. */
    MemoFn2<A, B, R> cacheOnly();

    /**
     * A view of this function that does not store exceptions of these types (transient failures,
     * such as an {@code IOException} of a flaky network): they are thrown, and the next call computes
     * again. Every other exception is stored and re-thrown like a value.
     */
    MemoFn2<A, B, R> notStoring(Class<?>... exceptionTypes);

    /**
     * A view of this function that does not depend on these top-level variables (a log path, a
     * verbosity flag, a progress callback): it does not read them for its key, so their values never
     * split its cells. A name it does not read is refused, naming what it reads.
     */
    MemoFn2<A, B, R> ignoring(String... variables);

    /**
     * A view of this function whose key leaves out the arguments at these positions (from 1): calls
     * differing only there share one cell.
     */
    MemoFn2<A, B, R> ignoringArguments(int... positions);

    /** Whether this call's cell is stored and valid, as a value or an exception; never computes, never waits. */
    boolean isCached(A a, B b);

    /** This call's stored value (a hit), never computing or waiting; empty if none. A stored exception is thrown. */
    Optional<R> peek(A a, B b);

    /** Removes this call's cell from the store, for every process; returns whether one was stored. */
    boolean forget(A a, B b);

    /** A view of this function that recomputes (and replaces) cells written more than {@code maxAge} ago. */
    MemoFn2<A, B, R> expireAfterWrite(Duration maxAge);

    /** A view of this function that uses a stored cell only if {@code valid} accepts it; else recomputes it. */
    MemoFn2<A, B, R> validIf(Predicate<CellAge> valid);
  }

  /**
   * A function of 3 arguments, the type memokit memoizes; it may throw any exception.
   * {@code Serializable} only so that memokit can read a lambda's code to fingerprint it; it is never serialized.
   */
  @FunctionalInterface
  public interface Fn3<A, B, C, R> extends java.io.Serializable {
    R apply(A a, B b, C c) throws Exception;
  }

  /**
   * A memoized function of 3 arguments: {@code apply} returns the stored value or
   * re-throws the stored exception (as it is, checked or not), computing it once across processes
   * on a miss.
   */
  public interface MemoFn3<A, B, C, R> extends Fn3<A, B, C, R>, Memoized {
    @Override
    R apply(A a, B b, C c);

    /** A view of this function that never computes: a miss raises {@link MemoException}. */
    MemoFn3<A, B, C, R> cacheOnly();

    /**
     * A view of this function that does not store exceptions of these types (transient failures,
     * such as an {@code IOException} of a flaky network): they are thrown, and the next call computes
     * again. Every other exception is stored and re-thrown like a value.
     */
    MemoFn3<A, B, C, R> notStoring(Class<?>... exceptionTypes);

    /**
     * A view of this function that does not depend on these top-level variables (a log path, a
     * verbosity flag, a progress callback): it does not read them for its key, so their values never
     * split its cells. A name it does not read is refused, naming what it reads.
     */
    MemoFn3<A, B, C, R> ignoring(String... variables);

    /**
     * A view of this function whose key leaves out the arguments at these positions (from 1): calls
     * differing only there share one cell.
     */
    MemoFn3<A, B, C, R> ignoringArguments(int... positions);

    /** Whether this call's cell is stored and valid, as a value or an exception; never computes, never waits. */
    boolean isCached(A a, B b, C c);

    /** This call's stored value (a hit), never computing or waiting; empty if none. A stored exception is thrown. */
    Optional<R> peek(A a, B b, C c);

    /** Removes this call's cell from the store, for every process; returns whether one was stored. */
    boolean forget(A a, B b, C c);

    /** A view of this function that recomputes (and replaces) cells written more than {@code maxAge} ago. */
    MemoFn3<A, B, C, R> expireAfterWrite(Duration maxAge);

    /** A view of this function that uses a stored cell only if {@code valid} accepts it; else recomputes it. */
    MemoFn3<A, B, C, R> validIf(Predicate<CellAge> valid);
  }

  /**
   * A function of 4 arguments, the type memokit memoizes; it may throw any exception.
   * {@code Serializable} only so that memokit can read a lambda's code to fingerprint it; it is never serialized.
   */
  @FunctionalInterface
  public interface Fn4<A, B, C, D, R> extends java.io.Serializable {
    R apply(A a, B b, C c, D d) throws Exception;
  }

  /**
   * A memoized function of 4 arguments: {@code apply} returns the stored value or
   * re-throws the stored exception (as it is, checked or not), computing it once across processes
   * on a miss.
   */
  public interface MemoFn4<A, B, C, D, R> extends Fn4<A, B, C, D, R>, Memoized {
    @Override
    R apply(A a, B b, C c, D d);

    /** A view of this function that never computes: a miss raises {@link MemoException}. */
    MemoFn4<A, B, C, D, R> cacheOnly();

    /**
     * A view of this function that does not store exceptions of these types (transient failures,
     * such as an {@code IOException} of a flaky network): they are thrown, and the next call computes
     * again. Every other exception is stored and re-thrown like a value.
     */
    MemoFn4<A, B, C, D, R> notStoring(Class<?>... exceptionTypes);

    /**
     * A view of this function that does not depend on these top-level variables (a log path, a
     * verbosity flag, a progress callback): it does not read them for its key, so their values never
     * split its cells. A name it does not read is refused, naming what it reads.
     */
    MemoFn4<A, B, C, D, R> ignoring(String... variables);

    /**
     * A view of this function whose key leaves out the arguments at these positions (from 1): calls
     * differing only there share one cell.
     */
    MemoFn4<A, B, C, D, R> ignoringArguments(int... positions);

    /** Whether this call's cell is stored and valid, as a value or an exception; never computes, never waits. */
    boolean isCached(A a, B b, C c, D d);

    /** This call's stored value (a hit), never computing or waiting; empty if none. A stored exception is thrown. */
    Optional<R> peek(A a, B b, C c, D d);

    /** Removes this call's cell from the store, for every process; returns whether one was stored. */
    boolean forget(A a, B b, C c, D d);

    /** A view of this function that recomputes (and replaces) cells written more than {@code maxAge} ago. */
    MemoFn4<A, B, C, D, R> expireAfterWrite(Duration maxAge);

    /** A view of this function that uses a stored cell only if {@code valid} accepts it; else recomputes it. */
    MemoFn4<A, B, C, D, R> validIf(Predicate<CellAge> valid);
  }

  /**
   * A function of 5 arguments, the type memokit memoizes; it may throw any exception.
   * {@code Serializable} only so that memokit can read a lambda's code to fingerprint it; it is never serialized.
   */
  @FunctionalInterface
  public interface Fn5<A, B, C, D, E, R> extends java.io.Serializable {
    R apply(A a, B b, C c, D d, E e) throws Exception;
  }

  /**
   * A memoized function of 5 arguments: {@code apply} returns the stored value or
   * re-throws the stored exception (as it is, checked or not), computing it once across processes
   * on a miss.
   */
  public interface MemoFn5<A, B, C, D, E, R> extends Fn5<A, B, C, D, E, R>, Memoized {
    @Override
    R apply(A a, B b, C c, D d, E e);

    /** A view of this function that never computes: a miss raises {@link MemoException}. */
    MemoFn5<A, B, C, D, E, R> cacheOnly();

    /**
     * A view of this function that does not store exceptions of these types (transient failures,
     * such as an {@code IOException} of a flaky network): they are thrown, and the next call computes
     * again. Every other exception is stored and re-thrown like a value.
     */
    MemoFn5<A, B, C, D, E, R> notStoring(Class<?>... exceptionTypes);

    /**
     * A view of this function that does not depend on these top-level variables (a log path, a
     * verbosity flag, a progress callback): it does not read them for its key, so their values never
     * split its cells. A name it does not read is refused, naming what it reads.
     */
    MemoFn5<A, B, C, D, E, R> ignoring(String... variables);

    /**
     * A view of this function whose key leaves out the arguments at these positions (from 1): calls
     * differing only there share one cell.
     */
    MemoFn5<A, B, C, D, E, R> ignoringArguments(int... positions);

    /** Whether this call's cell is stored and valid, as a value or an exception; never computes, never waits. */
    boolean isCached(A a, B b, C c, D d, E e);

    /** This call's stored value (a hit), never computing or waiting; empty if none. A stored exception is thrown. */
    Optional<R> peek(A a, B b, C c, D d, E e);

    /** Removes this call's cell from the store, for every process; returns whether one was stored. */
    boolean forget(A a, B b, C c, D d, E e);

    /** A view of this function that recomputes (and replaces) cells written more than {@code maxAge} ago. */
    MemoFn5<A, B, C, D, E, R> expireAfterWrite(Duration maxAge);

    /** A view of this function that uses a stored cell only if {@code valid} accepts it; else recomputes it. */
    MemoFn5<A, B, C, D, E, R> validIf(Predicate<CellAge> valid);
  }

  // ---- stores -----------------------------------------------------------------------------------

  /** The default store: system property {@code memokit.store}, else {@code $MEMOKIT_STORE}, else {@code ~/.cache/memokit}. */
  public static MemoStore store() {
    return store(defaultStorePath());
  }

  /**
   * Opens (creating if needed) the store at {@code path}; one instance per canonical path in a
   * process. A leading {@code ~} or {@code ~/} is the user's home, as in a shell ({@code ~user} is
   * refused); a path that is a file, or lies under one, is refused in words, the file untouched.
   */
  public static MemoStore store(Path path) {
    if (path == null) throw new IllegalArgumentException("store path must not be null");
    io.memokit.display.NotebookKernels.installQuietly(); // in a kernel made current after Memo loaded
    return OpenStore.open(path.toString(), StoreSettings.defaults());
  }

  /**
   * Opens (creating if needed) the store at {@code location}: a directory path (a leading {@code ~}
   * is the user's home, as for {@link #store(Path)}), or a PostgreSQL
   * database's JDBC URL ({@code jdbc:postgresql://host:5432/db?user=...}), whose schema
   * {@code memokit} is created on first use. One instance per location in a process.
   */
  public static MemoStore store(String location) {
    if (location == null || location.isBlank()) throw new IllegalArgumentException("store path must not be empty");
    if (location.startsWith("jdbc:")) { // a URL, not a path: Path.of would fold its "//"
      io.memokit.display.NotebookKernels.installQuietly();
      return OpenStore.open(location, StoreSettings.defaults());
    }
    return store(Path.of(location));
  }

  /** Where {@link #store()} is (a leading {@code ~} in the property or the variable is the user's home). */
  public static Path defaultStorePath() {
    String property = System.getProperty("memokit.store");
    if (property != null && !property.isBlank()) return Backends.directory(property);
    String env = System.getenv("MEMOKIT_STORE");
    if (env != null && !env.isBlank()) return Backends.directory(env);
    return Path.of(System.getProperty("user.home"), ".cache", "memokit");
  }

  /**
   * The JVM options memokit needs on this JVM's JDK, for starting JVMs of the same JDK that use it:
   * {@code --add-opens=java.base/java.lang=ALL-UNNAMED ...} (for exceptions in memokit's own format,
   * and for FST), and from JDK 24 {@code --sun-misc-unsafe-memory-access=allow} (FST without
   * warnings). In JShell, prefix each with {@code -R}.
   */
  public static java.util.List<String> jvmFlags() {
    return io.memokit.codec.Codec.jvmFlags();
  }

  /**
   * memokit's version ({@code 0.1.0}; {@code dev} when run from its classes rather than its jar): what
   * {@code java -jar memokit.jar --version} prints, and what each stored cell records of its writer
   * ({@link CellOrigin#memokit()}).
   */
  public static String memokitVersion() {
    return io.memokit.storage.MemokitVersion.get();
  }

  // ---- trace ------------------------------------------------------------------------------------

  /**
   * Prints cache events to standard output when {@code on}, one line each:
   * {@code [proc PID @ HH:MM:SS] Cache<DIR:NAME{VERSION}(ARITY)> EVENT(ID)} with EVENT one of MISS, HIT,
   * WAIT, OVERFLOW (number of cells evicted), LOST, TAKEOVER; a WAIT goes on with whom it waits for
   * ({@code for proc 4711 on host-a since 14:32:13}, {@code for thread NAME of this process}). Events
   * are always logged through {@link System.Logger} ({@code io.memokit.trace}, DEBUG).
   */
  public static void trace(boolean on) {
    Trace.print(on);
  }

  /**
   * A function of 1 argument that calls itself through {@code self}, its own memoized handle, so
   * that every level of a recursion is cached: {@code memoRecursive("fib", (self, n) -> n < 2 ? n :
   * self.apply(n - 1) + self.apply(n - 2))}. {@code Serializable} only so that its code can be fingerprinted.
   */
  @FunctionalInterface
  public interface Rec1<A, R> extends java.io.Serializable {
    R apply(MemoFn1<A, R> self, A a) throws Exception;
  }

  /** As {@link Rec1}, of 2 arguments (a dynamic program over a grid). */
  @FunctionalInterface
  public interface Rec2<A, B, R> extends java.io.Serializable {
    R apply(MemoFn2<A, B, R> self, A a, B b) throws Exception;
  }

  /** As {@link Rec1}, of 3 arguments. */
  @FunctionalInterface
  public interface Rec3<A, B, C, R> extends java.io.Serializable {
    R apply(MemoFn3<A, B, C, R> self, A a, B b, C c) throws Exception;
  }

  // ---- recursive functions ----------------------------------------------------------------------

  /**
   * Memoizes a function that calls itself, written in one statement: {@code fn} receives its own
   * memoized handle as {@code self}. Keyed by its code, as {@link #memo(String, Fn1)}. A deep
   * recursion does not overflow the caller's stack because of memokit: every few dozen nested
   * computations continue on a fresh thread while the caller waits.
   */
  public static <A, R> MemoFn1<A, R> memoRecursive(String name, Rec1<A, R> fn) {
    return memoRecursive(store(), name, fn);
  }

  /** As {@link #memoRecursive(String, Rec1)}, in {@code store}. */
  public static <A, R> MemoFn1<A, R> memoRecursive(MemoStore store, String name, Rec1<A, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 1, fn)));
  }

  /** As {@link #memoRecursive(String, Rec1)}, of 2 arguments. */
  public static <A, B, R> MemoFn2<A, B, R> memoRecursive(String name, Rec2<A, B, R> fn) {
    return memoRecursive(store(), name, fn);
  }

  /** As {@link #memoRecursive(String, Rec1)}, of 2 arguments, in {@code store}. */
  public static <A, B, R> MemoFn2<A, B, R> memoRecursive(MemoStore store, String name, Rec2<A, B, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 2, fn)));
  }

  /** As {@link #memoRecursive(String, Rec1)}, of 3 arguments. */
  public static <A, B, C, R> MemoFn3<A, B, C, R> memoRecursive(String name, Rec3<A, B, C, R> fn) {
    return memoRecursive(store(), name, fn);
  }

  /** As {@link #memoRecursive(String, Rec1)}, of 3 arguments, in {@code store}. */
  public static <A, B, C, R> MemoFn3<A, B, C, R> memoRecursive(MemoStore store, String name, Rec3<A, B, C, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 3, fn)));
  }

  // ---- memo and version -------------------------------------------------------------------------

  /** Memoizes {@code fn} under {@code name} in the default store. */
  public static <R> MemoFn0<R> memo(String name, Fn0<R> fn) {
    return memo(store(), name, fn);
  }

  /** Memoizes {@code fn} under {@code name} in {@code store}. */
  public static <R> MemoFn0<R> memo(MemoStore store, String name, Fn0<R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 0, fn)));
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in the default store. */
  public static <R> MemoFn0<R> memo(Fn0<R> named) {
    return memo(store(), named);
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in {@code store}. */
  public static <R> MemoFn0<R> memo(MemoStore store, Fn0<R> named) {
    return cast(memoize(store, requireNamed(named, 0)));
  }

  /** Names {@code fn} with a version: cells of other versions of {@code name} are not used. Not cached by itself. */
  public static <R> Fn0<R> version(String name, Object version, Fn0<R> fn) {
    return cast(define(name, version, 0, fn));
  }

  /** Memoizes {@code fn} under {@code name} in the default store. */
  public static <A, R> MemoFn1<A, R> memo(String name, Fn1<A, R> fn) {
    return memo(store(), name, fn);
  }

  /** Memoizes {@code fn} under {@code name} in {@code store}. */
  public static <A, R> MemoFn1<A, R> memo(MemoStore store, String name, Fn1<A, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 1, fn)));
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in the default store. */
  public static <A, R> MemoFn1<A, R> memo(Fn1<A, R> named) {
    return memo(store(), named);
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in {@code store}. */
  public static <A, R> MemoFn1<A, R> memo(MemoStore store, Fn1<A, R> named) {
    return cast(memoize(store, requireNamed(named, 1)));
  }

  /** Names {@code fn} with a version: cells of other versions of {@code name} are not used. Not cached by itself. */
  public static <A, R> Fn1<A, R> version(String name, Object version, Fn1<A, R> fn) {
    return cast(define(name, version, 1, fn));
  }

  /** Memoizes {@code fn} under {@code name} in the default store. */
  public static <A, B, R> MemoFn2<A, B, R> memo(String name, Fn2<A, B, R> fn) {
    return memo(store(), name, fn);
  }

  /** Memoizes {@code fn} under {@code name} in {@code store}. */
  public static <A, B, R> MemoFn2<A, B, R> memo(MemoStore store, String name, Fn2<A, B, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 2, fn)));
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in the default store. */
  public static <A, B, R> MemoFn2<A, B, R> memo(Fn2<A, B, R> named) {
    return memo(store(), named);
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in {@code store}. */
  public static <A, B, R> MemoFn2<A, B, R> memo(MemoStore store, Fn2<A, B, R> named) {
    return cast(memoize(store, requireNamed(named, 2)));
  }

  /** Names {@code fn} with a version: cells of other versions of {@code name} are not used. Not cached by itself. */
  public static <A, B, R> Fn2<A, B, R> version(String name, Object version, Fn2<A, B, R> fn) {
    return cast(define(name, version, 2, fn));
  }

  /** Memoizes {@code fn} under {@code name} in the default store. */
  public static <A, B, C, R> MemoFn3<A, B, C, R> memo(String name, Fn3<A, B, C, R> fn) {
    return memo(store(), name, fn);
  }

  /** Memoizes {@code fn} under {@code name} in {@code store}. */
  public static <A, B, C, R> MemoFn3<A, B, C, R> memo(MemoStore store, String name, Fn3<A, B, C, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 3, fn)));
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in the default store. */
  public static <A, B, C, R> MemoFn3<A, B, C, R> memo(Fn3<A, B, C, R> named) {
    return memo(store(), named);
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in {@code store}. */
  public static <A, B, C, R> MemoFn3<A, B, C, R> memo(MemoStore store, Fn3<A, B, C, R> named) {
    return cast(memoize(store, requireNamed(named, 3)));
  }

  /** Names {@code fn} with a version: cells of other versions of {@code name} are not used. Not cached by itself. */
  public static <A, B, C, R> Fn3<A, B, C, R> version(String name, Object version, Fn3<A, B, C, R> fn) {
    return cast(define(name, version, 3, fn));
  }

  /** Memoizes {@code fn} under {@code name} in the default store. */
  public static <A, B, C, D, R> MemoFn4<A, B, C, D, R> memo(String name, Fn4<A, B, C, D, R> fn) {
    return memo(store(), name, fn);
  }

  /** Memoizes {@code fn} under {@code name} in {@code store}. */
  public static <A, B, C, D, R> MemoFn4<A, B, C, D, R> memo(MemoStore store, String name, Fn4<A, B, C, D, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 4, fn)));
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in the default store. */
  public static <A, B, C, D, R> MemoFn4<A, B, C, D, R> memo(Fn4<A, B, C, D, R> named) {
    return memo(store(), named);
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in {@code store}. */
  public static <A, B, C, D, R> MemoFn4<A, B, C, D, R> memo(MemoStore store, Fn4<A, B, C, D, R> named) {
    return cast(memoize(store, requireNamed(named, 4)));
  }

  /** Names {@code fn} with a version: cells of other versions of {@code name} are not used. Not cached by itself. */
  public static <A, B, C, D, R> Fn4<A, B, C, D, R> version(String name, Object version, Fn4<A, B, C, D, R> fn) {
    return cast(define(name, version, 4, fn));
  }

  /** Memoizes {@code fn} under {@code name} in the default store. */
  public static <A, B, C, D, E, R> MemoFn5<A, B, C, D, E, R> memo(String name, Fn5<A, B, C, D, E, R> fn) {
    return memo(store(), name, fn);
  }

  /** Memoizes {@code fn} under {@code name} in {@code store}. */
  public static <A, B, C, D, E, R> MemoFn5<A, B, C, D, E, R> memo(MemoStore store, String name, Fn5<A, B, C, D, E, R> fn) {
    return cast(memoize(store, NamedFn.unversioned(name, 5, fn)));
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in the default store. */
  public static <A, B, C, D, E, R> MemoFn5<A, B, C, D, E, R> memo(Fn5<A, B, C, D, E, R> named) {
    return memo(store(), named);
  }

  /** Memoizes a named function (from {@link #version}, or another memoized function) in {@code store}. */
  public static <A, B, C, D, E, R> MemoFn5<A, B, C, D, E, R> memo(MemoStore store, Fn5<A, B, C, D, E, R> named) {
    return cast(memoize(store, requireNamed(named, 5)));
  }

  /** Names {@code fn} with a version: cells of other versions of {@code name} are not used. Not cached by itself. */
  public static <A, B, C, D, E, R> Fn5<A, B, C, D, E, R> version(String name, Object version, Fn5<A, B, C, D, E, R> fn) {
    return cast(define(name, version, 5, fn));
  }

  // ---- expressions ------------------------------------------------------------------------------

  /** A lazy call of {@code fn} (memoized or versioned): nothing runs until {@link Expr#get()}. */
  public static <R> Expr<R> expr(Fn0<R> fn) {
    return Expression.create(fn);
  }

  /** A lazy call of {@code fn} returning a map, usable as a read-only {@link java.util.Map}. */
  public static <K, V> MapExpr<K, V> mapExpr(Fn0<? extends Map<K, V>> fn) {
    return MapExpression.createMap(fn);
  }

  /** A lazy call of {@code fn} (memoized or versioned): nothing runs until {@link Expr#get()}. */
  public static <A, R> Expr<R> expr(Fn1<A, R> fn, A a) {
    return Expression.create(fn, a);
  }

  /** A lazy call of {@code fn} returning a map, usable as a read-only {@link java.util.Map}. */
  public static <A, K, V> MapExpr<K, V> mapExpr(Fn1<A, ? extends Map<K, V>> fn, A a) {
    return MapExpression.createMap(fn, a);
  }

  /** A lazy call of {@code fn} (memoized or versioned): nothing runs until {@link Expr#get()}. */
  public static <A, B, R> Expr<R> expr(Fn2<A, B, R> fn, A a, B b) {
    return Expression.create(fn, a, b);
  }

  /** A lazy call of {@code fn} returning a map, usable as a read-only {@link java.util.Map}. */
  public static <A, B, K, V> MapExpr<K, V> mapExpr(Fn2<A, B, ? extends Map<K, V>> fn, A a, B b) {
    return MapExpression.createMap(fn, a, b);
  }

  /** A lazy call of {@code fn} (memoized or versioned): nothing runs until {@link Expr#get()}. */
  public static <A, B, C, R> Expr<R> expr(Fn3<A, B, C, R> fn, A a, B b, C c) {
    return Expression.create(fn, a, b, c);
  }

  /** A lazy call of {@code fn} returning a map, usable as a read-only {@link java.util.Map}. */
  public static <A, B, C, K, V> MapExpr<K, V> mapExpr(Fn3<A, B, C, ? extends Map<K, V>> fn, A a, B b, C c) {
    return MapExpression.createMap(fn, a, b, c);
  }

  /** A lazy call of {@code fn} (memoized or versioned): nothing runs until {@link Expr#get()}. */
  public static <A, B, C, D, R> Expr<R> expr(Fn4<A, B, C, D, R> fn, A a, B b, C c, D d) {
    return Expression.create(fn, a, b, c, d);
  }

  /** A lazy call of {@code fn} returning a map, usable as a read-only {@link java.util.Map}. */
  public static <A, B, C, D, K, V> MapExpr<K, V> mapExpr(Fn4<A, B, C, D, ? extends Map<K, V>> fn, A a, B b, C c, D d) {
    return MapExpression.createMap(fn, a, b, c, d);
  }

  /** A lazy call of {@code fn} (memoized or versioned): nothing runs until {@link Expr#get()}. */
  public static <A, B, C, D, E, R> Expr<R> expr(Fn5<A, B, C, D, E, R> fn, A a, B b, C c, D d, E e) {
    return Expression.create(fn, a, b, c, d, e);
  }

  /** A lazy call of {@code fn} returning a map, usable as a read-only {@link java.util.Map}. */
  public static <A, B, C, D, E, K, V> MapExpr<K, V> mapExpr(Fn5<A, B, C, D, E, ? extends Map<K, V>> fn, A a, B b, C c, D d, E e) {
    return MapExpression.createMap(fn, a, b, c, d, e);
  }

  /**
   * A read-only map that looks keys up in {@code maps} in order, like Python's ChainMap; a map
   * expression in it is incarnated only when a lookup reaches it. As an argument it is keyed by its
   * structure (expressions by definition), so {@code mapExpr(stepB, chain(pAb, pBc), ...)} is cached
   * without computing {@code pAb} or {@code pBc}.
   */
  @SafeVarargs
  public static <K, V> Map<K, V> chain(Map<? extends K, ? extends V>... maps) {
    return ChainMap.of(maps);
  }

  private static NamedFunction requireNamed(Object fn, int arity) {
    if (fn instanceof NamedFunction named) {
      if (named.id().arity() != arity) {
        throw new IllegalArgumentException(named.id().label() + " takes " + named.id().arity() + " argument(s), not " + arity);
      }
      return named;
    }
    if (fn == null) throw new IllegalArgumentException("the function to memoize is null");
    throw new IllegalArgumentException("this function has no name: memoize it with memo(name, fn), or name it with "
        + "version(name, v, fn) first");
  }

  private static NamedFunction define(String name, Object version, int arity, Object fn) {
    NamedFn named = NamedFn.versioned(name, version, arity, fn);
    FunctionId id = named.id();
    NamedFunction current = FunctionRegistry.lookup(name).orElse(null);
    if (!(current instanceof MemoizedFn m && m.id().equals(id))) FunctionRegistry.register(named);
    return named;
  }

  private static MemoizedFn memoize(MemoStore store, NamedFunction fn) {
    if (store == null) throw new IllegalArgumentException("store must not be null");
    if (!(store instanceof OpenStore opened)) {
      throw new IllegalArgumentException("store must come from Memo.store(...), got " + store.getClass().getName());
    }
    MemoizedFn memoized = new MemoizedFn(opened, fn, false);
    FunctionRegistry.register(memoized);
    return memoized;
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }
}
