package io.memokit;

import io.memokit.Memo.MemoFn0;
import io.memokit.Memo.MemoFn1;
import io.memokit.Memo.MemoFn2;
import io.memokit.Memo.MemoFn3;
import io.memokit.Memo.MemoFn4;
import io.memokit.Memo.MemoFn5;
import io.memokit.cell.Block;
import io.memokit.cell.Notice;
import io.memokit.cell.Sweep;
import io.memokit.display.Progress;
import io.memokit.display.Vocabulary;
import io.memokit.function.CellValidity;
import io.memokit.function.FunctionId;
import io.memokit.function.FunctionRegistry;
import io.memokit.function.ImplicitArgs;
import io.memokit.function.NamedFunction;
import io.memokit.storage.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A memoized function: every call goes through its block in the store. One class implements every
 * arity's handle; the facade hands it out typed to the function's arity, and a call with another
 * number of arguments is refused.
 */
@SuppressWarnings("rawtypes")
final class MemoizedFn implements NamedFunction, Memoized, MemoFn0, MemoFn1, MemoFn2, MemoFn3, MemoFn4, MemoFn5 {

  private final OpenStore store;
  private final Options options;
  /** The expiry and validity rule of {@link #options}, judged by the store's clock; {@code null} if none. */
  private final CellValidity validity;
  /** The function's arity: the same for every fingerprint of its code. */
  private final int arity;
  /** The function as defined now and its block (opened on first use), replaced together. */
  private volatile Bound bound;

  /**
   * A function, its block (null until first used), what it reads as this handle keys it, and the
   * function as this handle calls it through its block ({@link #handled}), as one value so that they
   * never mismatch; made when the function is bound, not on each call.
   */
  private record Bound(NamedFunction target, Block block, ImplicitArgs reads, NamedFunction handled) {
    Bound withBlock(Block opened) {
      return new Bound(target, opened, reads, handled);
    }
  }

  /**
   * How this handle calls its function; each view ({@link #cacheOnly}, {@link #notStoring},
   * {@link #ignoring}, {@link #ignoringArguments}, {@link #expireAfterWrite}, {@link #validIf})
   * changes one part.
   *
   * @param cacheOnly        refuses to compute
   * @param notStored        exception types not stored; empty: all are stored
   * @param ignoredVariables variables the function ignores: never read, never keyed
   * @param ignoredArgs      arguments (flags, from 0) the function ignores; empty: none
   * @param maxAge           how old a cell may be to answer; {@code null}: any age
   * @param validIf          what a cell must pass to answer; {@code null}: nothing
   */
  private record Options(boolean cacheOnly, List<Class<?>> notStored, Set<String> ignoredVariables, boolean[] ignoredArgs,
                         Duration maxAge, Predicate<CellAge> validIf) {
    static final Options DEFAULT = new Options(false, List.of(), Set.of(), new boolean[0], null, null);

    boolean changesCalls() {
      return !notStored.isEmpty() || maxAge != null || validIf != null;
    }

    Options withCacheOnly() {
      return new Options(true, notStored, ignoredVariables, ignoredArgs, maxAge, validIf);
    }

    Options withNotStored(List<Class<?>> types) {
      return new Options(cacheOnly, types, ignoredVariables, ignoredArgs, maxAge, validIf);
    }

    Options withIgnoredVariables(Set<String> variables) {
      return new Options(cacheOnly, notStored, variables, ignoredArgs, maxAge, validIf);
    }

    Options withIgnoredArgs(boolean[] args) {
      return new Options(cacheOnly, notStored, ignoredVariables, args, maxAge, validIf);
    }

    Options withMaxAge(Duration age) {
      return new Options(cacheOnly, notStored, ignoredVariables, ignoredArgs, age, validIf);
    }

    Options withValidIf(Predicate<CellAge> rule) {
      return new Options(cacheOnly, notStored, ignoredVariables, ignoredArgs, maxAge, rule);
    }
  }

  MemoizedFn(OpenStore store, NamedFunction target, boolean cacheOnly) {
    this(store, target, cacheOnly ? Options.DEFAULT.withCacheOnly() : Options.DEFAULT);
  }

  private MemoizedFn(OpenStore store, NamedFunction target, Options options) {
    this.store = store;
    this.options = options;
    this.validity = options.maxAge() == null && options.validIf() == null ? null
        : new Freshness(options.maxAge(), options.validIf(), store.settings().clockMillis());
    this.bound = bind(target, null);
    this.arity = target.id().arity();
  }

  private Bound bind(NamedFunction target, Block block) {
    ImplicitArgs reads = target.implicitArgs();
    if (!options.ignoredVariables().isEmpty() || options.ignoredArgs().length > 0) {
      reads = reads.ignoring(options.ignoredVariables(), options.ignoredArgs());
    }
    return new Bound(target, block, reads, handled(target, reads));
  }

  /**
   * The function as this handle calls it through its block: exceptions of some types not stored,
   * some variables and arguments ignored, stored cells accepted by its validity.
   */
  private record AsHandled(NamedFunction target, List<Class<?>> types, ImplicitArgs reads, CellValidity validity,
                           MemoizedFn self) implements NamedFunction {
    @Override
    public FunctionId id() {
      return target.id();
    }

    @Override
    public Object invoke(Object[] args) throws Exception {
      return target instanceof NamedFn named && named.callsItself() ? named.invokeAs(self, args) : target.invoke(args);
    }

    @Override
    public boolean stores(Throwable thrown) {
      for (Class<?> t : types) {
        if (t.isInstance(thrown)) return false;
      }
      return target.stores(thrown);
    }

    @Override
    public ImplicitArgs implicitArgs() {
      return reads;
    }

    @Override
    public CellValidity validity() {
      return validity;
    }

    @Override
    public String keyedBy() {
      return target.keyedBy();
    }

    @Override
    public String codeFingerprint() {
      return target.codeFingerprint();
    }
  }

  /**
   * A handle's expiry and validity rule, judged by the store's clock: a cell written more than
   * {@code maxAge} ago, or that {@code rule} refuses, does not answer.
   */
  private record Freshness(Duration maxAge, Predicate<CellAge> rule, LongSupplier clockMillis) implements CellValidity {
    @Override
    public boolean valid(long cellId, boolean error, long createdMillis, long cpuNanos, long wallNanos, StringBuilder why) {
      long written = createdMillis + wallNanos / 1_000_000;
      Duration age = Duration.ofMillis(Math.max(0, clockMillis.getAsLong() - written));
      if (maxAge != null && age.compareTo(maxAge) > 0) {
        why.append("expired: written ").append(Vocabulary.age(age)).append(" ago, longer than ")
            .append(Vocabulary.age(maxAge));
        return false;
      }
      if (rule != null && !rule.test(new CellAge(cellId, error, Instant.ofEpochMilli(written), age,
          Duration.ofNanos(cpuNanos), Duration.ofNanos(wallNanos)))) {
        why.append("refused by validIf");
        return false;
      }
      return true;
    }
  }

  /** The function as defined now. */
  private NamedFunction target() {
    return bound().target();
  }

  /**
   * The function as it is now, and its block. When code its fingerprint read was redefined in place
   * (JShell redefines an edited helper's snippet class), it is fingerprinted anew and its block is
   * reopened. Without {@code open}, the block may be null (defining a function writes nothing).
   */
  private Bound bound() {
    Bound b = bound;
    if (b.target() instanceof NamedFn named) {
      NamedFn now = named.current();
      if (now != named) {
        synchronized (this) {
          if (bound == b) bound = bind(now, null);
          b = bound;
        }
      }
    }
    return b;
  }

  /** The function and its block, opened (and created on disk) on first use. */
  private Bound opened() {
    Bound b = bound();
    if (b.block() != null) {
      if (store.isClosed()) store.backend(); // says that the store is closed, and how to reopen it
      return b;
    }
    synchronized (this) {
      if (bound.block() == null && bound.target() == b.target()) {
        Block block = store.block(b.target().id());
        tellIfCodeChanged(b.target().id(), block);
        FunctionRegistry.usedHere(b.target().id());
        bound = b.withBlock(block);
      }
      return bound;
    }
  }

  private Block block() {
    return opened().block();
  }

  /** Where {@code args}' cell is stored: its block and key, as every process finds them. */
  record StoredAt(io.memokit.storage.BlockBackend block, io.memokit.function.CellKey key) {}

  /** Where {@code args}' cell is stored (for tests that write a cell as another process would). */
  StoredAt storedAt(Object... args) {
    Bound b = opened();
    return new StoredAt(store.backend().block(b.target().id()), b.block().keyOf(b.handled(), args));
  }

  /**
   * Says once, in words, that this function's code differs from the code its stored cells were
   * computed with, when its own block is still empty and the former code ran in this process (an
   * edit made here): the user learns why calls that used to hit compute again (reverting the edit
   * hits the old cells again). Another kernel's code under the same name is not this kernel's edit,
   * and is not announced.
   */
  private void tellIfCodeChanged(FunctionId id, Block b) {
    if (id.code().isEmpty()) return;
    try {
      if (!b.storage().isEmpty()) return;
      int cells = 0;
      for (BlockInfo other : store.otherDefinitions(id)) {
        if (other.version().isEmpty() && FunctionRegistry.usedHereBefore(new FunctionId(other.name(), "", other.code(), other.arity()))) cells += other.size();
      }
      if (cells == 0) return;
      Notice.once("code " + store.location() + " " + id.describe(), id.name() + ": code changed since its " + cells
          + (cells == 1 ? " cell was" : " cells were") + " stored; computing anew (the cells of the former code "
          + "stay for processes still running it, and come back if the edit is reverted; store.clearObsolete() "
          + "removes them)");
    } catch (RuntimeException e) {
      // Only a message: never fail a call for it.
    }
  }

  @Override
  public FunctionId id() {
    return target().id();
  }

  @Override
  public String codeFingerprint() {
    return target().codeFingerprint();
  }

  /** As a named function (inside expressions), a memoized function is called through its cache. */
  @Override
  public Object invoke(Object[] args) {
    Bound b;
    try {
      b = opened();
    } catch (ClosedStoreException e) {
      throw e;
    } catch (MemoException e) {
      return Block.withoutStore(withoutStore(e), args, where(), e);
    }
    // A store's refusal (a role that may only read, on a miss) reaches the caller as a MemoException,
    // which a calling memoized function does not store. Not through OpenStore.unchecked: the lambda it
    // takes would capture three values, an allocation on each hit the compiler does not always remove.
    try {
      return b.block().call(b.handled(), args, options.cacheOnly());
    } catch (StoreException e) {
      throw OpenStore.userFacing(e);
    }
  }

  /** {@code target} as this handle calls it, reading {@code reads} (see {@link AsHandled}). */
  private NamedFunction handled(NamedFunction target, ImplicitArgs reads) {
    boolean callsItself = target instanceof NamedFn named && named.callsItself();
    if (!options.changesCalls() && reads == target.implicitArgs() && !callsItself) return target;
    return new AsHandled(target, options.notStored(), reads, validity, this);
  }

  /** What this handle's function reads, as this handle keys it: a memoized function inside a key counts with it. */
  @Override
  public ImplicitArgs implicitArgs() {
    return bound().reads();
  }

  /**
   * The function to compute without the store, which cannot be opened ({@code e}, thrown again by a
   * cache-only handle, which never computes).
   */
  private NamedFunction withoutStore(MemoException e) {
    if (options.cacheOnly()) throw e;
    return bound().handled();
  }

  /** The function and its store, as a warning about the store names them. */
  private String where() {
    return target().id().label() + " in " + store.location();
  }

  private Object call(Object... args) {
    checkArity(args);
    return invoke(args);
  }

  private void checkArity(Object[] args) {
    if (args.length != arity) {
      FunctionId id = target().id();
      throw new IllegalArgumentException(id.label() + " takes " + arity + " argument(s), called with " + args.length);
    }
  }

  @Override
  public Object apply() {
    return call();
  }

  @Override
  public Object apply(Object a) {
    return call(a);
  }

  @Override
  public Object apply(Object a, Object b) {
    return call(a, b);
  }

  @Override
  public Object apply(Object a, Object b, Object c) {
    return call(a, b, c);
  }

  @Override
  public Object apply(Object a, Object b, Object c, Object d) {
    return call(a, b, c, d);
  }

  @Override
  public Object apply(Object a, Object b, Object c, Object d, Object e) {
    return call(a, b, c, d, e);
  }

  @Override
  public List map(java.util.Collection inputs) {
    if (inputs == null) throw new IllegalArgumentException(name() + ".map: the inputs must not be null");
    if (arity != 1) throw new IllegalArgumentException(target().id().label() + " takes " + arity + " argument(s): "
        + "map sweeps a function of one argument");
    List<Object[]> calls = new java.util.ArrayList<>(inputs.size());
    for (Object input : inputs) calls.add(new Object[] {input});
    try (Progress progress = Progress.ofSweep(target().id().label(), calls.size())) {
      return sweep(calls, progress);
    }
  }

  /** Sweeps the function over {@code calls} (one argument array each), telling {@code listener} of each input. */
  List<Object> sweep(List<Object[]> calls, Sweep.Listener listener) {
    Bound b;
    try {
      b = opened();
    } catch (MemoException e) {
      return Sweep.withoutStore(withoutStore(e), calls, where(), e, listener);
    }
    return Sweep.through(b.block(), b.handled(), calls, options.cacheOnly(), listener);
  }

  @Override
  public MemoizedFn cacheOnly() {
    return options.cacheOnly() ? this : view(options.withCacheOnly());
  }

  private MemoizedFn view(Options changed) {
    return new MemoizedFn(store, target(), changed);
  }

  @Override
  public MemoizedFn notStoring(Class... exceptionTypes) {
    if (exceptionTypes == null) throw new IllegalArgumentException("notStoring: the exception types must not be null");
    List<Class<?>> types = new java.util.ArrayList<>(options.notStored());
    for (int i = 0; i < exceptionTypes.length; i++) {
      Class<?> t = exceptionTypes[i];
      if (t == null || !Throwable.class.isAssignableFrom(t)) {
        throw new IllegalArgumentException("notStoring: argument " + (i + 1) + " (" + (t == null ? "null" : t.getName())
            + ") is not an exception type");
      }
      types.add(t);
    }
    return view(options.withNotStored(List.copyOf(types)));
  }

  @Override
  public MemoizedFn ignoring(String... variables) {
    if (variables == null) throw new IllegalArgumentException(name() + ".ignoring: the variable names must not be null");
    ImplicitArgs checked = bound().reads().ignoring(name(), arity, List.of(nonNull(variables)), List.of());
    return view(options.withIgnoredVariables(checked.ignoredVariables()));
  }

  @Override
  public MemoizedFn ignoringArguments(int... positions) {
    if (positions == null) throw new IllegalArgumentException(name() + ".ignoringArguments: the positions must not be null");
    List<Integer> list = new java.util.ArrayList<>();
    for (int p : positions) list.add(p);
    ImplicitArgs checked = bound().reads().ignoring(name(), arity, List.of(), list);
    boolean[] args = checked.ignoredArgs();
    return view(options.withIgnoredArgs(args.length == 0 ? options.ignoredArgs() : args));
  }

  @Override
  public MemoizedFn expireAfterWrite(Duration maxAge) {
    if (maxAge == null || maxAge.isNegative()) {
      throw new IllegalArgumentException(name() + ".expireAfterWrite: maxAge must be a duration of 0 or more, got " + maxAge);
    }
    return view(options.withMaxAge(maxAge));
  }

  @Override
  @SuppressWarnings("unchecked")
  public MemoizedFn validIf(Predicate valid) {
    if (valid == null) throw new IllegalArgumentException(name() + ".validIf: the rule must not be null");
    Predicate<CellAge> rule = options.validIf() == null ? valid : options.validIf().and(valid);
    return view(options.withValidIf(rule));
  }

  // ---- one call's cell: ask, peek, forget -------------------------------------------------------

  /** Whether {@code args}' cell is stored and valid for this handle (never computes or waits). */
  private boolean cached(Object... args) {
    checkArity(args);
    Bound b = opened();
    return managed(() -> b.block().isCached(b.handled(), args));
  }

  /** {@code args}' stored value, counted as a hit; never computes or waits. */
  private Optional<Object> peeked(Object... args) {
    checkArity(args);
    Bound b = opened();
    return OpenStore.unchecked(() -> b.block().peek(b.handled(), args));
  }

  private boolean forgot(Object... args) {
    checkArity(args);
    Bound b = opened();
    return managed(() -> b.block().forget(b.handled(), args));
  }

  @Override
  public boolean isCached() {
    return cached();
  }

  @Override
  public boolean isCached(Object a) {
    return cached(a);
  }

  @Override
  public boolean isCached(Object a, Object b) {
    return cached(a, b);
  }

  @Override
  public boolean isCached(Object a, Object b, Object c) {
    return cached(a, b, c);
  }

  @Override
  public boolean isCached(Object a, Object b, Object c, Object d) {
    return cached(a, b, c, d);
  }

  @Override
  public boolean isCached(Object a, Object b, Object c, Object d, Object e) {
    return cached(a, b, c, d, e);
  }

  @Override
  public Optional peek() {
    return peeked();
  }

  @Override
  public Optional peek(Object a) {
    return peeked(a);
  }

  @Override
  public Optional peek(Object a, Object b) {
    return peeked(a, b);
  }

  @Override
  public Optional peek(Object a, Object b, Object c) {
    return peeked(a, b, c);
  }

  @Override
  public Optional peek(Object a, Object b, Object c, Object d) {
    return peeked(a, b, c, d);
  }

  @Override
  public Optional peek(Object a, Object b, Object c, Object d, Object e) {
    return peeked(a, b, c, d, e);
  }

  @Override
  public boolean forget() {
    return forgot();
  }

  @Override
  public boolean forget(Object a) {
    return forgot(a);
  }

  @Override
  public boolean forget(Object a, Object b) {
    return forgot(a, b);
  }

  @Override
  public boolean forget(Object a, Object b, Object c) {
    return forgot(a, b, c);
  }

  @Override
  public boolean forget(Object a, Object b, Object c, Object d) {
    return forgot(a, b, c, d);
  }

  @Override
  public boolean forget(Object a, Object b, Object c, Object d, Object e) {
    return forgot(a, b, c, d, e);
  }

  private String[] nonNull(String[] names) {
    for (int i = 0; i < names.length; i++) {
      if (names[i] == null) throw new IllegalArgumentException(name() + ".ignoring: name " + (i + 1) + " is null");
    }
    return names;
  }

  @Override
  public boolean isCacheOnly() {
    return options.cacheOnly();
  }

  @Override
  public String name() {
    return target().id().name();
  }

  @Override
  public String version() {
    return target().id().version();
  }

  @Override
  public int arity() {
    return target().id().arity();
  }

  @Override
  public MemoStore store() {
    return store;
  }

  @Override
  public BlockInfo info() {
    return managed(() -> OpenStore.info(block().storage()).withKeyedBy(keyedBy()));
  }

  @Override
  public String keyedBy() {
    Bound b = bound();
    return b.target() instanceof NamedFn named ? b.reads().appendTo(named.codeKeyedBy()) : b.target().keyedBy();
  }

  @Override
  public List<CellInfo> cells() {
    return managed(() -> OpenStore.cells(block().storage()));
  }

  @Override
  public int clear() {
    return managed(() -> {
      int removed = block().storage().clear();
      block().forgetMemory();
      return removed;
    });
  }

  @Override
  public int clearErrors() {
    return managed(() -> block().storage().clearErrors());
  }

  @Override
  public int resize(int maxsize) {
    io.memokit.storage.StoreSettings.checkMaxsize("resize: maxsize", maxsize);
    return managed(() -> block().storage().resize(maxsize));
  }

  private <T> T managed(BlockHandle.Management<T> action) {
    return BlockHandle.managed(block().storage(), store.location(), action);
  }

  @Override
  public String toString() {
    return "memo " + target().id().label() + (options.cacheOnly() ? " (cache-only)" : "") + " in " + store.location();
  }
}
