package io.memokit.storage.directory;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellHolder;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Claim;
import io.memokit.storage.Presence;
import io.memokit.storage.StoredCell;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One block of a directory store, as the cell lifecycle sees it: its identity, its files
 * ({@link BlockFiles}, which also says how they are laid out and holds the admin section), and the
 * parts that do the work, one job each, as in the PostgreSQL backend: {@link CellReads} (finished
 * cells, read without a lock and verified), {@link Hits} (counting hits, answering them from
 * memory), {@link CellClaims} (claims, starts, completions, who computes a cell),
 * {@link BlockAdmin} (maxsize, eviction, clearing), {@link BlockStatistics}, and
 * {@link BlockRepair} (everything a killed process or a damaged file leaves).
 */
final class DirectoryBlock implements BlockBackend, Closeable {

  private final DirectoryBackend store;
  private final FunctionId id;
  private final BlockFiles files;
  private final CellReads reads;
  private final Hits hits;
  private final BlockStatistics statistics;
  private final BlockAdmin admin;
  private final CellClaims claims;

  private DirectoryBlock(DirectoryBackend store, FunctionId id, BlockFiles files) {
    this.store = store;
    this.id = id;
    this.files = files;
    this.reads = new CellReads(files);
    this.hits = new Hits(files);
    this.statistics = new BlockStatistics(files, hits);
    this.admin = new BlockAdmin(files);
    this.claims = new CellClaims(files, reads, hits, admin);
  }

  static DirectoryBlock open(DirectoryBackend store, FunctionId id, Path dir) throws IOException {
    return new DirectoryBlock(store, id, BlockFiles.open(store, id, dir));
  }

  @Override
  public FunctionId id() {
    return id;
  }

  @Override
  public StoredCell read(CellKey key) {
    return reads.read(key);
  }

  /** Where {@code key}'s finished record is (its own file whole, or its place in the log), or {@code null}. */
  CellReads.Region region(CellKey key) throws IOException {
    return reads.region(key);
  }

  @Override
  public Presence hit(CellKey key, StoredCell cell) {
    return hits.hit(key, cell);
  }

  @Override
  public void beforeStatistics(Runnable publishHits) {
    hits.beforeStatistics(publishHits);
  }

  /** Writes the hits on cells read from the files that {@link #hit} queued; nothing is left queued. */
  @Override
  public boolean flushHits(boolean periodic) {
    hits.flushQueued();
    return false;
  }

  /** Publishes the hits this process counted in memory: statistics and evictions then include them. */
  private void publishHits() {
    hits.publishHits();
  }

  @Override
  public Claim tryClaim(CellKey key) throws IOException {
    return claims.tryClaim(key);
  }

  /**
   * Who computes {@code key}'s cell, as its pending slot says (cell id, process, since when), or
   * {@code null} if no pending slot is visible (none yet, or finished). Only the cell's lock says
   * whether anyone computes it: ask this of a cell whose lock another holds, and check
   * {@link CellHolder#trusted}.
   */
  @Override
  public CellHolder holder(CellKey key) {
    return claims.holder(key.hashHi(), key.hashLo());
  }

  /** Who computes the cell of key hash {@code hi}, {@code lo}; see {@link #holder(CellKey)}. */
  CellHolder holder(long hi, long lo) {
    return claims.holder(hi, lo);
  }

  @Override
  public BlockStatus status() {
    return statistics.status();
  }

  /** One shared word: the index's count of live slots. */
  @Override
  public boolean isEmpty() {
    return statistics.isEmpty();
  }

  @Override
  public List<CellStatus> cells(boolean details) {
    return statistics.cells(details);
  }

  long highestId() {
    return statistics.highestId();
  }

  /** The bytes of the finished cells, as the index counts them. */
  long indexedBytes() {
    return statistics.indexedBytes();
  }

  /** Removes every cell (a computing process then sees its cell LOST). Returns finished cells removed. */
  @Override
  public int clear() throws IOException {
    publishHits();
    return admin.clear();
  }

  /** Removes the cells holding a stored exception. Returns how many. */
  @Override
  public int clearErrors() throws IOException {
    publishHits();
    return admin.clearErrors();
  }

  @Override
  public boolean remove(CellKey key) throws IOException {
    publishHits();
    return admin.remove(key.hashHi(), key.hashLo());
  }

  @Override
  public int removeCells(Set<Long> cellIds) throws IOException {
    publishHits();
    return admin.removeCells(cellIds);
  }

  /** Sets the block's maxsize, evicting least recently hit cells beyond it. Returns how many. */
  @Override
  public int resize(int maxsize) throws IOException {
    publishHits();
    return admin.resize(maxsize);
  }

  @Override
  public int maxsize() {
    return admin.maxsize();
  }

  /** Adds this block's finished cells to {@code out}; see {@link BlockAdmin#evictionCandidates}. */
  long evictionCandidates(List<BlockAdmin.Candidate> out) {
    return admin.evictionCandidates(out);
  }

  /** Empties the index in place (admin lock held): every process mapping it forgets the block's cells. */
  void retire() throws IOException {
    admin.retire();
  }

  @Override
  public boolean repairedAfter(Throwable fault) {
    if (!BlockRepair.isMappedFileFault(fault)) return false;
    files.repair().repairAfterFault((InternalError) fault);
    return true;
  }

  Path directory() {
    return files.directory();
  }

  /** See {@link BlockVerifier}. */
  List<String> check(boolean fix) {
    return BlockVerifier.check(store, files, fix);
  }

  @Override
  public void close() throws IOException {
    hits.flushQueued();
    files.close();
  }

  @Override
  public String toString() {
    return "Block[" + store.path() + ":" + id.label() + "]";
  }
}
