package io.memokit;

import io.memokit.cell.Block;
import io.memokit.codec.ClassAllowList;
import io.memokit.codec.ReadPolicy;
import io.memokit.function.FunctionId;
import io.memokit.function.FunctionRegistry;
import io.memokit.storage.Backends;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Provenance;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store opened in this process: its backend, the settings it was opened with, and the classes
 * values read from it may instantiate. One instance per location; the first opening gives the
 * settings. Translates the backend's statistics into the API's records.
 */
final class OpenStore implements MemoStore, io.memokit.function.KeyNeutral {

  /** The lifecycle of each block this process used, by its backend (a block removed and made anew gets a new one). */
  private final Map<BlockBackend, Block> blocks = new ConcurrentHashMap<>();

  private final StoreBackend backend;
  private final StoreSettings settings;
  private volatile boolean closed;
  private volatile ClassAllowList allowedClasses = ClassAllowList.fromSystemProperty();
  private volatile boolean writersTrusted = Boolean.getBoolean("memokit.trustWriters");
  /** The policy the two fields above give with the store's writers; null until asked, and after a change. */
  private volatile ReadPolicy readPolicy;

  private final MemoRuntime runtime;

  OpenStore(MemoRuntime runtime, StoreBackend backend, StoreSettings settings) {
    this.runtime = runtime;
    this.backend = backend;
    this.settings = settings;
  }

  /** The settings this store was opened with (its clock, maxsize, ...). */
  StoreSettings settings() {
    return settings;
  }

  /** The store at {@code location}, opened (created if needed) with {@code settings} on first use in this process. */
  static OpenStore open(String location, StoreSettings settings) {
    return MemoRuntime.PROCESS.open(location, settings);
  }

  interface StoreCall<T> {
    T run();
  }

  /** Runs a backend call; a {@link StoreException} reaches the user as a {@link MemoException} with the same words. */
  static <T> T unchecked(StoreCall<T> call) {
    try {
      return call.run();
    } catch (StoreException e) {
      throw userFacing(e);
    }
  }

  /** A backend's {@link StoreException} as the user gets it: a {@link MemoException} with the same words. */
  static MemoException userFacing(StoreException e) {
    return new MemoException(e.getMessage(), e.getCause());
  }

  boolean isClosed() {
    return closed;
  }

  /** The store's backend; a {@link MemoException} once the store is closed. */
  StoreBackend backend() {
    if (closed) throw new ClosedStoreException(backend.location());
    return backend;
  }

  /**
   * Publishes this process's hits, closes the store's files or connections, and forgets this
   * instance: {@code store(location)} opens the store anew. The functions bound to it refuse calls.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    runtime.closed(this);
    for (Block b : blocks.values()) b.close();
    blocks.clear();
    backend.close();
  }

  /** The stores opened in this process so far. */
  static List<OpenStore> opened() {
    return MemoRuntime.PROCESS.opened();
  }

  /** The cell lifecycle of {@code id}'s block (created in the store on first use): one per block backend(). */
  Block block(FunctionId id) {
    BlockBackend b = unchecked(() -> backend().block(id));
    backend().markInUse(id);
    return blocks.computeIfAbsent(b, k -> Block.of(backend(), k, runtime.hits(), this::readPolicy, settings.clockMillis(),
        settings.ticker()));
  }

  static BlockInfo info(BlockBackend b) {
    FunctionId id = b.id();
    BlockStatus s = b.status();
    return new BlockInfo(id.name(), id.version(), id.code(), id.arity(), s.hits(), s.misses(), s.maxsize(), s.size(),
        s.errors(), s.computing(), s.bytes(), BlockInfo.keyedBy(id.version(), id.code()));
  }

  static List<CellInfo> cells(BlockBackend b) {
    List<CellInfo> cells = new ArrayList<>();
    for (CellStatus c : b.cells(true)) {
      CellInfo.State state = switch (c.state()) {
        case COMPUTING -> CellInfo.State.COMPUTING;
        case VALUE -> CellInfo.State.VALUE;
        case ERROR -> CellInfo.State.ERROR;
      };
      cells.add(new CellInfo(c.id(), state, Instant.ofEpochMilli(c.createdMillis()), Instant.ofEpochMilli(c.lastHitMillis()),
          c.hits(), c.bytes(), Duration.ofNanos(c.cpuNanos()), Duration.ofNanos(c.wallNanos()),
          c.arguments() == null ? "" : c.arguments(), origin(c.provenance())));
    }
    return cells;
  }

  private static CellOrigin origin(Provenance p) {
    if (!p.isKnown()) return CellOrigin.UNKNOWN;
    return new CellOrigin(p.user(), p.fileOwner(), p.host(), p.pid(), Instant.ofEpochMilli(p.writtenMillis()), p.jdk(),
        p.memokit(), p.code());
  }

  @Override
  public String location() {
    return backend.location();
  }

  @Override
  public Path path() {
    if (Backends.isUrl(backend.location())) {
      throw new UnsupportedOperationException("store " + backend.location() + " is a database, not a directory: "
          + "location() names it");
    }
    return Path.of(backend.location());
  }

  @Override
  public List<BlockInfo> blocks() {
    return unchecked(() -> {
      List<BlockInfo> infos = new ArrayList<>();
      for (FunctionId id : backend().blockIds()) infos.add(info(backend().block(id)));
      return infos;
    });
  }

  private static final int LISTED = 12;

  @Override
  public StoredBlock block(String name) {
    List<FunctionId> all = unchecked(backend()::blockIds);
    List<FunctionId> exact = all.stream().filter(id -> id.blockName().equals(name)).toList();
    List<FunctionId> matches = exact.size() == 1 ? exact : all.stream().filter(id -> id.label().equals(name)
        || id.name().equals(name) || (id.name() + "{" + id.version() + "}").equals(name)).toList();
    if (matches.size() == 1) return new BlockHandle(this, matches.get(0));
    if (matches.isEmpty()) {
      throw new MemoException("no block " + name + " in " + location()
          + (all.isEmpty() ? ": the store has no blocks" : "; its blocks: " + list(all)));
    }
    throw new MemoException(name + " names " + matches.size() + " blocks in " + location() + ": " + list(matches)
        + "; name one of them");
  }

  private static String list(List<FunctionId> blocks) {
    List<String> names = blocks.stream().map(FunctionId::blockName).sorted().limit(LISTED).toList();
    return String.join(", ", names) + (blocks.size() > LISTED ? ", ... (" + blocks.size() + " in all)" : "");
  }

  /**
   * The other blocks of {@code id}'s name and arity: its other versions or other code, with their
   * statistics (to tell a user that an edited function computes anew).
   */
  List<BlockInfo> otherDefinitions(FunctionId id) {
    return unchecked(() -> {
      List<BlockInfo> infos = new ArrayList<>();
      for (FunctionId other : backend().blockIds()) {
        if (other.isOtherDefinitionOf(id)) infos.add(info(backend().block(other)));
      }
      return infos;
    });
  }

  @Override
  public int clearObsolete() {
    return clearObsolete(null);
  }

  @Override
  public int clearObsolete(java.time.Duration alsoUnusedFor) {
    if (alsoUnusedFor != null && alsoUnusedFor.isNegative()) {
      throw new IllegalArgumentException("clearObsolete: alsoUnusedFor must not be negative: " + alsoUnusedFor);
    }
    java.time.Instant unusedSince = alsoUnusedFor == null ? null : java.time.Instant.ofEpochMilli(settings.clockMillis().getAsLong()).minus(alsoUnusedFor);
    return unchecked(() -> {
      int removed = 0;
      for (FunctionId id : backend().blockIds()) {
        Optional<FunctionId> current = FunctionRegistry.current(id.name());
        boolean obsolete = current.isPresent() && !current.get().equals(id);
        boolean unused = unusedSince != null && !current.map(id::equals).orElse(false)
            && lastUsedMillis(id) < unusedSince.toEpochMilli();
        if (!obsolete && !unused) continue;
        if (!BlockHandle.removeUnlessInUse(backend(), id, location())) continue;
        removed++;
      }
      return removed;
    });
  }

  private long lastUsedMillis(FunctionId id) {
    try {
      return backend().block(id).lastUsedMillis();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the cells of block " + id.label() + " in " + location() + ": "
          + e, e);
    }
  }

  @Override
  public long bytes() {
    return unchecked(backend()::bytes);
  }

  @Override
  public int limitBytes(long maxBytes) {
    StoreSettings.checkByteLimit("limitBytes: maxBytes", maxBytes);
    return unchecked(() -> backend().limitBytes(maxBytes));
  }

  @Override
  public long byteLimit() {
    return unchecked(backend()::byteLimit);
  }

  @Override
  public List<String> check(boolean fix) {
    return unchecked(() -> backend().check(fix));
  }

  @Override
  public MemoStore allowOnlyClasses(String... patterns) {
    allowedClasses = ClassAllowList.of(java.util.Arrays.asList(patterns));
    readPolicy = null;
    return this;
  }

  @Override
  public MemoStore trustWriters() {
    writersTrusted = true;
    readPolicy = null;
    return this;
  }

  /**
   * What values read from this store may be: as the user listed (allowOnlyClasses); else any, when
   * nobody else can write the store or the user trusts its writers; else the safe default.
   */
  ReadPolicy readPolicy() {
    ReadPolicy p = readPolicy;
    if (p == null) readPolicy = p = policyNow();
    return p;
  }

  private ReadPolicy policyNow() {
    ClassAllowList list = allowedClasses;
    if (list != null) return ReadPolicy.allowing(list);
    String others = writersTrusted ? null : backend().otherWriters();
    return others == null ? ReadPolicy.anyClass() : ReadPolicy.safeDefault(others);
  }

  @Override
  public List<String> allowedClassPatterns() {
    ClassAllowList a = allowedClasses;
    return a == null ? List.of() : a.patterns();
  }

  @Override
  public String toString() {
    return "MemoStore[" + backend.location() + "]";
  }
}
