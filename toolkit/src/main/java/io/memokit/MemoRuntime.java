package io.memokit;

import io.memokit.cell.HitPublisher;
import io.memokit.storage.Backends;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process holds of memokit's stores, in one place: the stores it opened, one per
 * location until closed, and the hit publisher their blocks share (one thread, started at the
 * first hit and stopped with the last open block). {@link Memo#store} goes through it; closing a
 * store ({@link MemoStore#close}) takes it out.
 *
 * <p>Facts about the process's threads and functions rather than its stores stay with their
 * classes: which thread waits for which cell ({@code cell.InFlight}, {@code cell.Holdings}, read to
 * find cycles across stores), the functions this process defined ({@code function.FunctionRegistry}),
 * the notices already given ({@code cell.Notice}) and the trace's listeners ({@code cell.Trace}).
 */
final class MemoRuntime {

  /** This process's runtime. */
  static final MemoRuntime PROCESS = new MemoRuntime();

  private final Map<String, OpenStore> stores = new ConcurrentHashMap<>();
  private final HitPublisher hits = new HitPublisher();

  private MemoRuntime() {}

  /** The store at {@code location}, opened (created if needed) with {@code settings} on first use in this process. */
  OpenStore open(String location, StoreSettings settings) {
    StoreBackend backend = OpenStore.unchecked(() -> Backends.open(location, settings));
    return stores.computeIfAbsent(backend.location(), l -> new OpenStore(this, backend, settings));
  }

  /** Forgets {@code store}, which its user closed. */
  void closed(OpenStore store) {
    stores.remove(store.location(), store);
  }

  /** The stores opened and not closed. */
  List<OpenStore> opened() {
    return List.copyOf(stores.values());
  }

  HitPublisher hits() {
    return hits;
  }
}
