package io.memokit;

import io.memokit.Memo.MemoFn0;
import io.memokit.Memo.MemoFn1;
import io.memokit.Memo.MemoFn2;
import io.memokit.Memo.MemoFn3;
import io.memokit.Memo.MemoFn4;
import io.memokit.Memo.MemoFn5;
import io.memokit.cell.Block;
import io.memokit.function.FunctionId;
import io.memokit.function.NamedFunction;
import io.memokit.storage.BlockStorage;
import io.memokit.storage.DirectoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A memoized function: every call goes through its block in the store. One class implements every
 * arity's handle; the facade hands it out typed to the function's arity, and a call with another
 * number of arguments is refused.
 */
@SuppressWarnings("rawtypes")
final class MemoizedFn implements NamedFunction, Memoized, MemoFn0, MemoFn1, MemoFn2, MemoFn3, MemoFn4, MemoFn5 {

  private final NamedFunction target;
  private final DirectoryStore store;
  private final boolean cacheOnly;
  private volatile Block block;

  MemoizedFn(DirectoryStore store, NamedFunction target, boolean cacheOnly) {
    this.target = target;
    this.store = store;
    this.cacheOnly = cacheOnly;
  }

  /** The block, opened (and created on disk) on first use: defining a function writes nothing. */
  private Block block() {
    Block b = block;
    if (b == null) block = b = Block.of(store.block(target.id()));
    return b;
  }

  @Override
  public FunctionId id() {
    return target.id();
  }

  /** As a named function (inside expressions), a memoized function is called through its cache. */
  @Override
  public Object invoke(Object[] args) {
    Block b;
    try {
      b = block();
    } catch (MemoException e) {
      if (cacheOnly) throw e;
      return Block.withoutStore(target, args, target.id().label() + " in " + store.path(), e);
    }
    return b.call(target, args, cacheOnly);
  }

  private Object call(Object... args) {
    if (args.length != target.id().arity()) {
      throw new IllegalArgumentException(target.id().label() + " takes " + target.id().arity()
          + " argument(s), called with " + args.length);
    }
    return invoke(args);
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
  public MemoizedFn cacheOnly() {
    return cacheOnly ? this : new MemoizedFn(store, target, true);
  }

  @Override
  public boolean isCacheOnly() {
    return cacheOnly;
  }

  @Override
  public String name() {
    return target.id().name();
  }

  @Override
  public String version() {
    return target.id().version();
  }

  @Override
  public int arity() {
    return target.id().arity();
  }

  @Override
  public MemoStore store() {
    return store;
  }

  @Override
  public BlockInfo info() {
    return managed(() -> block().storage().info());
  }

  @Override
  public List<CellInfo> cells() {
    return managed(() -> block().storage().cells());
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
    return managed(() -> block().storage().resize(maxsize));
  }

  private interface Management<T> {
    T run() throws IOException;
  }

  /** Runs a management call; after a fault reading a truncated index (see Block#call), repairs and retries once. */
  private <T> T managed(Management<T> action) {
    try {
      try {
        return action.run();
      } catch (InternalError e) {
        if (!BlockStorage.isMappedFileFault(e)) throw e;
        block().storage().repairAfterFault(e);
        return action.run();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot manage " + target.id().label() + " in " + store.path() + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "memo " + target.id().label() + (cacheOnly ? " (cache-only)" : "") + " in " + store.path();
  }
}
