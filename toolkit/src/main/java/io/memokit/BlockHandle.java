package io.memokit;

import io.memokit.cell.ConsoleLine;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.StoreBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** A {@link StoredBlock} over its backend; the calls {@link MemoizedFn}'s management calls share. */
final class BlockHandle implements StoredBlock {

  private final OpenStore store;
  private final FunctionId id;

  BlockHandle(OpenStore store, FunctionId id) {
    this.store = store;
    this.id = id;
  }

  /** A management call on {@code id}'s block, run as {@link #managed(BlockBackend, String, Management)} runs it. */
  interface Management<T> {
    T run() throws IOException;
  }

  /**
   * Runs a management call on a block: a store that cannot do it is reported with the block, the
   * store and the reason; a fault the backend reports late (see
   * {@link BlockBackend#repairedAfter}) is repaired and the call run once more.
   */
  static <T> T managed(BlockBackend block, String where, Management<T> action) {
    return OpenStore.unchecked(() -> {
      try {
        try {
          return action.run();
        } catch (InternalError e) {
          if (!block.repairedAfter(e)) throw e;
          return action.run();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot manage " + block.id().label() + " in " + where + ": " + e, e);
      }
    });
  }

  /** A management call on this block's backend, found once per call. */
  private interface OnBlock<T> {
    T run(BlockBackend block) throws IOException;
  }

  private <T> T managed(OnBlock<T> action) {
    BlockBackend block = OpenStore.unchecked(() -> store.backend().block(id));
    return managed(block, store.location(), () -> action.run(block));
  }

  @Override
  public String name() {
    return id.blockName();
  }

  @Override
  public BlockInfo info() {
    return managed(OpenStore::info);
  }

  @Override
  public List<CellInfo> cells() {
    return managed(OpenStore::cells);
  }

  @Override
  public int clear() {
    return managed(BlockBackend::clear);
  }

  @Override
  public int clearErrors() {
    return managed(BlockBackend::clearErrors);
  }

  @Override
  public int removeCells(Predicate<? super CellInfo> which) {
    return managed(b -> {
      Set<Long> chosen = new HashSet<>();
      for (CellInfo c : OpenStore.cells(b)) {
        if (c.state() != CellInfo.State.COMPUTING && which.test(c)) chosen.add(c.id());
      }
      return chosen.isEmpty() ? 0 : b.removeCells(chosen); // by number: a cell stored since under the same key stays
    });
  }

  @Override
  public int resize(int maxsize) {
    io.memokit.storage.StoreSettings.checkMaxsize("resize: maxsize", maxsize);
    return managed(b -> b.resize(maxsize));
  }

  @Override
  public Instant lastUsed() {
    return managed(b -> Instant.ofEpochMilli(b.lastUsedMillis()));
  }

  @Override
  public List<String> usedBy() {
    return usersOf(store.backend(), id);
  }

  static List<String> usersOf(StoreBackend backend, FunctionId id) {
    return OpenStore.unchecked(() -> backend.usersOf(id).stream().map(Object::toString).toList());
  }

  @Override
  public boolean remove() {
    return removeUnlessInUse(store.backend(), id, store.location());
  }

  /**
   * Removes block {@code id} unless a running process uses it; a kept block is said on standard
   * error ({@code memokit: kept block sq(1)#3fa2... of STORE: in use by proc 4504 on host-a}).
   */
  static boolean removeUnlessInUse(StoreBackend backend, FunctionId id, String location) {
    List<String> users = usersOf(backend, id);
    if (!users.isEmpty()) {
      ConsoleLine.println(System.err, "memokit: kept block " + id.blockName() + " of " + location
          + ": in use by " + String.join(", ", users));
      return false;
    }
    OpenStore.unchecked(() -> {
      backend.removeBlock(id);
      return null;
    });
    return true;
  }

  @Override
  public long footprint() {
    return OpenStore.unchecked(() -> store.backend().footprint(id));
  }

  @Override
  public String toString() {
    return "block " + name() + " of " + store.location();
  }
}
