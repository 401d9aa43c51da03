package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.Murmur3;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellHolder;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Claim;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The cells of one function identity in a PostgreSQL store: rows of {@code memokit.cells} under
 * the block's row in {@code memokit.blocks}, found by the block's identity (name, version, code,
 * arity), so that a block removed and recreated by another process is the same block here.
 *
 * <p>This class is the block as the cell lifecycle sees it: its identity, its row, and the parts
 * that do the work, one job each: {@link CellReads} (finished cells, verified), {@link Hits}
 * (counting hits, answering them from memory), {@link RowClaim} (claims, starts, fenced completions),
 * {@link Contention} (who computes a cell, and how often a waiting process asks), {@link BlockAdmin}
 * (maxsize, eviction, clearing) and {@link BlockStatistics}. {@link BlockSql} holds the SQL they
 * share and the lock order.
 */
final class PostgresBlock implements BlockBackend {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final PostgresBackend store;
  private final FunctionId id;
  private final long identityHash;
  private final Contention contention;
  private final CellReads reads;
  private final Hits hits;
  private final BlockAdmin admin;
  private final BlockStatistics statistics;
  private volatile Runnable publisher = () -> {};
  private volatile boolean rowEnsured;

  PostgresBlock(PostgresBackend store, FunctionId id) {
    this.store = store;
    this.id = id;
    this.identityHash = hash(id.storedName());
    this.contention = new Contention(store, id);
    this.reads = new CellReads(store, id, contention);
    this.hits = new Hits(store, id);
    this.admin = new BlockAdmin(store, id, this::publishHits);
    this.statistics = new BlockStatistics(store, id, this::publishHits, admin);
  }

  @Override
  public FunctionId id() {
    return id;
  }

  PostgresBackend store() {
    return store;
  }

  Contention contention() {
    return contention;
  }

  CellReads reads() {
    return reads;
  }

  Hits hits() {
    return hits;
  }

  BlockAdmin admin() {
    return admin;
  }

  private static long hash(String s) {
    long h = 0x9E3779B97F4A7C15L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = Murmur3.fmix(h ^ (b & 0xFF));
    return h;
  }

  /** The advisory lock of {@code key}'s cell: the block's identity and the key's hash, mixed. */
  long lockKey(long hi, long lo) {
    return Murmur3.fmix(Murmur3.fmix(identityHash ^ hi) ^ lo);
  }

  /** Creates the block's row if it has none (once per process, and again after a removal here). */
  void ensureRow() {
    if (rowEnsured || !store.canWrite()) return;
    try {
      store.connections().call(c -> {
        BlockSql.insert(c, id, store.settings().maxsize());
        return null;
      });
      rowEnsured = true;
    } catch (SQLException e) {
      throw store.failure("create block " + id.label(), e);
    }
  }

  void forgetRow() {
    rowEnsured = false;
  }

  // ---- the cell lifecycle's calls, each to the part whose job it is ---------------------------

  @Override
  public StoredCell read(CellKey key) {
    return reads.read(key);
  }

  @Override
  public Presence hit(CellKey key, StoredCell cell) {
    return hits.hit(cell);
  }

  @Override
  public Claim tryClaim(CellKey key) throws IOException {
    return RowClaim.tryClaim(this, key, false);
  }

  @Override
  public Claim tryClaimToCompute(CellKey key) throws IOException {
    return RowClaim.tryClaim(this, key, true);
  }

  /**
   * Whether this process's last lookup of the block ({@link #readOrClaimToCompute}) found no cell:
   * then the next one reads in the claim's call, one round trip for both, in the claim's session;
   * after one that found its cell, the next reads first on any connection, as threads reading
   * stored cells at once share no session.
   */
  private volatile boolean lastLookupMissed;

  @Override
  public Lookup readOrClaimToCompute(CellKey key) throws IOException {
    Lookup found = lastLookupMissed && store.canWrite() ? RowClaim.readOrClaim(this, key)
        : BlockBackend.super.readOrClaimToCompute(key); // read first, then claim
    lastLookupMissed = found.stored() == null;
    return found;
  }

  @Override
  public CellHolder holder(CellKey key) {
    return contention.holder(key);
  }

  /** Who computes the cell of key hash {@code hi}, {@code lo}, asked of the server now. */
  CellHolder holder(long hi, long lo) {
    return contention.holder(hi, lo);
  }

  @Override
  public BlockStatus status() {
    return statistics.status();
  }

  @Override
  public List<CellStatus> cells(boolean details) {
    return statistics.cells(details);
  }

  @Override
  public int clear() throws IOException {
    return admin.clear();
  }

  @Override
  public int clearErrors() throws IOException {
    return admin.clearErrors();
  }

  @Override
  public boolean remove(CellKey key) throws IOException {
    return admin.remove(key);
  }

  @Override
  public int removeCells(Set<Long> cellIds) throws IOException {
    return admin.removeCells(cellIds);
  }

  @Override
  public int resize(int maxsize) throws IOException {
    return admin.resize(maxsize);
  }

  @Override
  public int maxsize() {
    return admin.maxsize();
  }

  @Override
  public boolean flushHits(boolean periodic) {
    return hits.flush(periodic);
  }

  @Override
  public void beforeStatistics(Runnable publishHits) {
    publisher = publishHits;
  }

  /** Publishes the hits this process counted in memory (before statistics and evictions read them). */
  void publishHits() {
    try {
      publisher.run(); // the process's Block: queues what it counted in memory
      hits.flush(false); // also what was queued without a Block (the backend used alone)
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot publish hit counts of " + id.label() + ": " + e);
    }
  }

  @Override
  public boolean repairedAfter(Throwable fault) {
    return false;
  }

  @Override
  public String toString() {
    return "Block[" + store.location() + ":" + id.label() + "]";
  }
}
