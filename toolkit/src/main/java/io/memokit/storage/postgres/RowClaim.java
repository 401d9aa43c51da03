package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.Provenance;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

/**
 * The right to compute one cell of a block, and the computation's row: claiming, starting,
 * completing (fenced) and abandoning.
 *
 * <p><b>Claims and fencing.</b> A claim is an advisory lock on a 64-bit key mixed from the block's
 * identity and the key's hash ({@link PostgresBlock#lockKey}), held in the process's
 * {@link LockSession}, taken with a read of the key's row made once it is held ({@link #stored}).
 * A start inserts the computation's row ({@code memokit.computing}) with a new token from
 * {@code memokit.tokens}, or gives a computing row whose claimer's session ended a new token (a
 * takeover). A completion stores the result, in the cell's row it inserts, only if the computing
 * row still has the claim's token and the claim's session still holds the lock, both checked in
 * the statement that stores it: a process whose session ended, and whose cell another took over,
 * finds its result lost and overwrites nothing.
 *
 * <p><b>Round trips.</b> A claim made to compute ({@link #tryClaim} with {@code toStart}) starts
 * the computation in the claim's own call when it finds no finished row; {@link #start} then only
 * returns it (a claim that found a row it could not use starts in a call of its own). A result held
 * in the row ({@link Payloads#INLINE_MAX}) is stored in the claim's session, in a call that also
 * releases the claim; larger ones, and a completion whose session broke, are stored on another
 * connection and released by {@link #close}. Each step is one call of a routine of the schema
 * ({@link Schema#routines}): a miss is the claim (with the lookup's read, {@link #readOrClaim})
 * and the completion.
 */
final class RowClaim implements Claim {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final PostgresBlock block;
  private final PostgresBackend store;
  private final FunctionId id;
  private final CellKey key;
  private final long lockKey;
  private final LockSession.Hold hold;
  private long blockId;
  private long cellId;
  private long token;
  /** The computation the claim's call started, which {@link #start} returns; {@code null} if none. */
  private final Started startedWithClaim;
  private boolean started;
  /** Whether starting removed a finished cell of the key (stale: damaged, or unreadable here). */
  private boolean removedFinished;
  private boolean finished;
  /** Whether the completion released the claim (in the claim's session). */
  private boolean released;
  private boolean closed;

  /** The key's finished row as read right after the lock was taken, and when that read began. */
  private final CellReads.Row afterClaim;
  private final long claimedAt;

  private RowClaim(PostgresBlock block, CellKey key, LockSession.Locked<Claimed> locked) {
    this.block = block;
    this.store = block.store();
    this.id = block.id();
    this.key = key;
    this.lockKey = block.lockKey(key.hashHi(), key.hashLo());
    this.hold = locked.hold();
    this.afterClaim = locked.read().row();
    this.claimedAt = locked.read().began();
    this.startedWithClaim = locked.read().begun() == null ? null : adopt(locked.read().begun());
  }

  /** What a start did, as {@code claim_cell} or {@code start_cell} returns it. */
  private record Begun(long blockId, long cellId, long token, int evicted, boolean takenOver, boolean removedFinished,
                       int maxsize, int cells) {}

  /** What the claim's call read, what it started ({@code null} if nothing), and when it was sent. */
  private record Claimed(CellReads.Row row, Begun begun, long began) {}

  /** Takes on the computation {@code b} started: its row's block, number and token. */
  private Started adopt(Begun b) {
    blockId = b.blockId();
    cellId = b.cellId();
    token = b.token();
    removedFinished = b.removedFinished();
    if (b.evicted() > 0 || removedFinished) store.watches().refresh(blockId);
    if (b.takenOver()) return new Started(cellId, 0, true);
    block.admin().filled(b.cells(), b.maxsize());
    return new Started(cellId, b.evicted(), false);
  }

  @Override
  public StoredCell stored() {
    return block.reads().verified(key, afterClaim, claimedAt);
  }

  /**
   * Claims {@code key}'s cell of {@code block}, or returns {@code null} if another thread of this
   * process or another process holds the claim (asked of the server at most every wait poll, see
   * {@link Contention}). {@code toStart}: the caller will compute the cell if the claim finds it
   * not stored, so the claim's call starts the computation then.
   */
  static Claim tryClaim(PostgresBlock block, CellKey key, boolean toStart) throws IOException {
    LockSession.Locked<Claimed> locked = claimCell(block, key, toStart, false);
    return locked == null ? null : new RowClaim(block, key, locked);
  }

  /**
   * Reads {@code key}'s finished cell or, finding none, claims the cell and starts its computation,
   * in one call of {@code memokit.claim_cell} (one round trip), as
   * {@link io.memokit.storage.BlockBackend#readOrClaimToCompute} asks. A damaged cell found is
   * removed, and the cell then claimed in a call of its own.
   */
  static BlockBackend.Lookup readOrClaim(PostgresBlock block, CellKey key) throws IOException {
    LockSession.Locked<Claimed> locked = claimCell(block, key, true, true);
    if (locked == null) return new BlockBackend.Lookup(null, null); // another computes it
    if (locked.hold() != null) return new BlockBackend.Lookup(null, new RowClaim(block, key, locked));
    StoredCell stored = block.reads().verified(key, locked.read().row(), locked.read().began());
    return stored != null ? new BlockBackend.Lookup(stored, null)
        : new BlockBackend.Lookup(null, tryClaim(block, key, true)); // it was damaged, and is removed
  }

  /**
   * One call of {@code memokit.claim_cell} ({@link Schema#routines}): takes the claim's lock and
   * reads the key's finished row once it is held; if {@code toStart} and it found none, starts the
   * computation as {@link #begin} does. A lookup ({@code readFirst}) that finds the row gives the
   * lock back in the same call and claims nothing, as it does if another session holds the lock and
   * the row is there. {@code null} if another thread or process holds the claim and nothing was
   * found; a held claim is in this process's claim map until {@link #close}.
   */
  private static LockSession.Locked<Claimed> claimCell(PostgresBlock block, CellKey key, boolean toStart,
                                                       boolean readFirst) throws IOException {
    PostgresBackend store = block.store();
    if (!store.canWrite()) throw store.readOnly(block.id());
    if (!block.contention().mayClaim(key)) return null;
    long lockKey = block.lockKey(key.hashHi(), key.hashLo());
    if (store.claims().putIfAbsent(lockKey, Boolean.TRUE) != null) return null; // another thread of this process
    boolean claimed = false;
    try {
      if (toStart && block.admin().mayEvictNext()) block.publishHits(); // eviction reads last-hit times: make ours current
      long began = store.ticks();
      LockSession.Locked<Claimed> locked = store.lockSession().tryLock(lockKey, claimStatement(block, key, toStart,
          readFirst, began));
      if (locked == null) {
        block.contention().claimRefused(key);
        return null;
      }
      if (locked.hold() == null) return locked; // found stored before claiming
      block.contention().claimed(key);
      claimed = true;
      return locked;
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure("compute a cell of " + block.id().label(), e);
      throw SqlErrors.io("cannot claim a cell of " + block.id().label() + " in store " + store.location(), e);
    } finally {
      if (!claimed) store.claims().remove(lockKey);
    }
  }

  /** The statement of {@link #claimCell}; {@code began}: when it was sent, the time of what it reads. */
  private static LockSession.Then<Claimed> claimStatement(PostgresBlock block, CellKey key, boolean toStart,
                                                          boolean readFirst, long began) {
    PostgresBackend store = block.store();
    return new LockSession.Then<>() {
      @Override
      public String sql() {
        return "SELECT * FROM memokit.claim_cell(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      }

      @Override
      public void bind(PreparedStatement p) throws SQLException {
        int i = BlockSql.bindIdentity(p, 2, block.id());
        p.setLong(i++, key.hashHi());
        p.setLong(i++, key.hashLo());
        p.setBoolean(i++, readFirst);
        p.setBoolean(i++, toStart);
        p.setInt(i++, store.settings().maxsize());
        bindEncoding(p, i++, key);
        p.setLong(i++, store.settings().clockMillis().getAsLong());
        bindProcess(p, i);
      }

      @Override
      public Claimed read(ResultSet r, boolean locked) throws SQLException {
        CellReads.Row row = CellReads.claimedRow(r, locked);
        if (!locked) return row == null ? null : new Claimed(row, null, began);
        if (!r.getBoolean("o_started")) return new Claimed(row, null, began);
        return new Claimed(row, new Begun(r.getLong("o_started_block"), r.getLong("o_started_cell"),
            r.getLong("o_started_token"), r.getInt("o_evicted"), r.getBoolean("o_taken_over"),
            r.getBoolean("o_removed_finished"), r.getInt("o_maxsize"), r.getInt("o_cells")), began);
      }
    };
  }

  private static void bindEncoding(PreparedStatement p, int i, CellKey key) throws SQLException {
    byte[] encoding = key.encoding();
    if (encoding == null) p.setNull(i, Types.BINARY);
    else p.setBytes(i, encoding);
  }

  @Override
  public Started start() throws IOException {
    if (started) throw new IllegalStateException("cell " + cellId + " of " + id.label() + " is already started");
    if (startedWithClaim != null) {
      started = true;
      return startedWithClaim;
    }
    if (block.admin().mayEvictNext()) block.publishHits(); // eviction reads last-hit times: make ours current
    try {
      Begun b = store.connections().retrying(this::begin); // one statement: its own transaction
      started = true;
      return adopt(b);
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure("compute a cell of " + id.label(), e);
      throw SqlErrors.io("cannot start a cell of " + id.label() + " in store " + store.location(), e);
    }
  }

  /**
   * One call of {@code memokit.start_cell} ({@link Schema#routines}): the block's row locked, checks
   * that this claim's session still holds its lock; removes the key's finished cell (stale: damaged,
   * or finished after this claim's read); takes over a computing row (its claimer's session ended),
   * or evicts the least recently hit cells of a full block and inserts the computing row.
   */
  private Begun begin(Connection c) throws SQLException {
    long now = store.settings().clockMillis().getAsLong();
    try (PreparedStatement p = c.prepareStatement("SELECT o_block, o_cell, o_token, o_evicted, o_taken_over, "
        + "o_removed_finished, o_maxsize, o_cells FROM memokit.start_cell(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int i = BlockSql.bindIdentity(p, 1, id);
      p.setInt(i++, store.settings().maxsize());
      p.setLong(i++, key.hashHi());
      p.setLong(i++, key.hashLo());
      bindEncoding(p, i++, key);
      p.setLong(i++, lockKey);
      p.setLong(i++, now);
      bindHolder(p, i);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return new Begun(r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4), r.getBoolean(5), r.getBoolean(6),
            r.getInt(7), r.getInt(8));
      }
    }
  }

  private void bindHolder(PreparedStatement p, int i) throws SQLException {
    p.setInt(bindProcess(p, i), hold.backendPid());
  }

  /** Binds this process's pid, host and host hash from index {@code i}; returns the next index. */
  private static int bindProcess(PreparedStatement p, int i) throws SQLException {
    p.setLong(i, ProcessIdentity.PID);
    p.setString(i + 1, ProcessIdentity.HOST);
    p.setInt(i + 2, ProcessIdentity.HOST_HASH);
    return i + 3;
  }

  /**
   * Stores the result in one transaction: its chunks first (keyed by this claim's token), then one
   * call of {@code memokit.complete_cell} ({@link Schema#routines}): the block's row locked, the
   * cell's row written only if the computing row still has this claim's token and this claim's
   * session still holds its lock; with where it came from ({@link Schema#PROVENANCE}: the server
   * records the session's role, this process its host, pid, time, JDK, memokit and {@code code}).
   * Otherwise rolls everything back and removes the computing row if it is still this claim's: lost.
   *
   * <p>A result held in the row is stored in the claim's own session, by a call that also releases
   * the claim; a larger one on another connection. If the connection breaks meanwhile (a network
   * cut: the connections this process kept idle through it are dead), the transaction runs once
   * more on a new connection, which first looks for this claim's result: the commit of the first run
   * may have reached the server before the break.
   */
  @Override
  public Presence complete(Payload result, Timing timing, String code) throws IOException {
    if (!started) throw new IllegalStateException("complete() before start() for a cell of " + id.label());
    if (finished) throw new IllegalStateException("cell " + cellId + " of " + id.label() + " is already finished");
    int state = result.error() ? BlockSql.ERROR : BlockSql.VALUE;
    int flags = result.shareable() ? Payloads.FLAG_SHAREABLE : 0;
    byte[] encoding = key.encoding();
    int crc = Payloads.crc(result.bytes(), 0, result.length(), encoding, cellId, result.codec(), flags, state);
    int chunks = Payloads.chunksOf(result);
    long size = result.length() + (encoding == null ? 0 : encoding.length);
    long began = store.ticks();
    boolean[] again = {false};
    boolean[] inClaimSession = {chunks == 0}; // a larger value would hold the session, and every claim, while it streams
    // generation, byte limit, bytes of every block before this cell, cells evicted
    Connections.Work<long[]> work = c -> {
      boolean storedBefore = again[0] && ownResultStored(c);
      if (chunks > 0 && !storedBefore) Payloads.writeChunks(c, token, result);
      try (PreparedStatement u = c.prepareStatement("SELECT o_stored, o_generation, o_byte_limit, o_bytes, o_evicted FROM "
          + "memokit.complete_cell(?, ?, ?, ?, ?, ?, ?, ?::smallint, ?::smallint, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          + "?, ?, ?, ?, ?, ?)")) {
        u.setLong(1, blockId);
        u.setLong(2, key.hashHi());
        u.setLong(3, key.hashLo());
        u.setLong(4, token);
        u.setLong(5, lockKey);
        u.setInt(6, hold.backendPid());
        u.setBoolean(7, !storedBefore);
        u.setInt(8, state);
        u.setInt(9, result.codec());
        u.setInt(10, flags);
        u.setLong(11, result.length());
        u.setLong(12, size);
        u.setInt(13, crc);
        if (chunks > 0) u.setNull(14, Types.BINARY);
        else u.setBytes(14, result.length() == result.bytes().length ? result.bytes()
            : Arrays.copyOf(result.bytes(), result.length())); // at most INLINE_MAX bytes
        u.setInt(15, chunks);
        if (encoding == null) u.setNull(16, Types.BINARY);
        else u.setBytes(16, encoding);
        u.setArray(17, dependencies(c));
        u.setLong(18, timing.createdMillis());
        u.setLong(19, timing.cpuNanos());
        u.setLong(20, timing.wallNanos());
        long now = store.settings().clockMillis().getAsLong();
        u.setLong(21, now);
        Provenance self = Provenance.ofThisProcess("", now, code); // the role is the server's to record
        u.setString(22, self.host());
        u.setLong(23, self.pid());
        u.setString(24, self.jdk());
        u.setString(25, self.memokit());
        u.setString(26, self.code());
        u.setBoolean(27, inClaimSession[0]); // there, release the claim with the completion
        try (ResultSet r = u.executeQuery()) {
          r.next();
          if (!r.getBoolean(1)) {
            if (!c.getAutoCommit()) c.rollback(); // its chunks too
            return null; // block removed, cell cleared, taken over or stored meanwhile, or this claim's session ended
          }
          return new long[] {r.getLong(2), r.getLong(3), r.getLong(4), r.getInt(5)};
        }
      }
    };
    // Chunks and the row in one transaction; a value in the row alone in one statement (its own transaction).
    Connections.Work<long[]> once = c -> chunks > 0 ? Connections.inTransaction(c, work) : work.run(c);
    long[] outcome;
    try {
      try {
        if (inClaimSession[0]) {
          outcome = store.lockSession().call(hold, work);
          released = true;
        } else {
          outcome = store.connections().retrying(once);
        }
      } catch (SQLException e) {
        boolean broke = SqlErrors.brokeConnection(e);
        if (!broke && !(inClaimSession[0] && SqlErrors.isRetryable(e))) throw e;
        again[0] = broke;
        inClaimSession[0] = false;
        outcome = store.connections().retrying(once);
      }
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure("store a cell of " + id.label(), e);
      throw SqlErrors.io("cannot store cell " + cellId + " of " + id.label() + " in store " + store.location(), e);
    }
    finished = true;
    if (outcome == null) {
      // Lost: its number was shown as LOST(n), and is not drawn again. A completion in one statement
      // counted its miss; one in a transaction with chunks was rolled back, and counts it now.
      removeOwnRow(chunks > 0);
      return null;
    }
    if (outcome[3] > 0) store.watches().refresh(blockId); // it evicted: this process sees it at once
    if (outcome[1] > 0 && outcome[2] + size > outcome[1]) store.enforceByteLimit();
    return block.hits().presence(blockId, cellId, outcome[0], began);
  }

  /** The condition on the cell's row with this claim's token, bound by {@link #onOwnRow}. */
  private static final String OWN_ROW = "block_id = ? AND key_hi = ? AND key_lo = ? AND token = ?";

  /** {@code sql}, whose first parameters are those of {@link #OWN_ROW}, prepared with them bound. */
  private PreparedStatement onOwnRow(Connection c, String sql) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    p.setLong(1, blockId);
    p.setLong(2, key.hashHi());
    p.setLong(3, key.hashLo());
    p.setLong(4, token);
    return p;
  }

  /** Whether the cell's row holds a result stored with this claim's token (by a run whose answer was lost). */
  private boolean ownResultStored(Connection c) throws SQLException {
    try (PreparedStatement q = onOwnRow(c, "SELECT 1 FROM memokit.cells c WHERE " + OWN_ROW + " AND " + BlockSql.finished("c"));
         ResultSet r = q.executeQuery()) {
      return r.next();
    }
  }

  private Array dependencies(Connection c) throws SQLException {
    List<FunctionId> deps = key.dependencies();
    if (deps.isEmpty()) return null;
    String[] names = new String[deps.size()];
    for (int i = 0; i < names.length; i++) names[i] = deps.get(i).storedName();
    return c.createArrayOf("text", names);
  }

  /**
   * Removes the computing row, counting the miss, then gives its number back ({@link Schema#routines}:
   * {@code give_back_cell_id}).
   */
  @Override
  public void abandon() {
    if (started && !finished) {
      finished = true;
      if (removeOwnRow(true)) giveBackNumber();
    }
  }

  /**
   * Deletes the computing row if it is still this claim's (nobody took it over), and counts the
   * computation as the block's miss if {@code countMiss}; returns whether it deleted the row. Never
   * throws.
   */
  private boolean removeOwnRow(boolean countMiss) {
    try {
      return store.connections().transaction(c -> {
        if (!BlockSql.lockById(c, blockId)) return false;
        try (PreparedStatement d = onOwnRow(c, "DELETE FROM memokit.computing WHERE " + OWN_ROW)) {
          boolean deleted = d.executeUpdate() > 0;
          if (countMiss) {
            try (PreparedStatement u = c.prepareStatement("UPDATE memokit.blocks SET misses = misses + 1 WHERE id = ?")) {
              u.setLong(1, blockId);
              u.executeUpdate();
            }
          }
          return deleted;
        }
      });
    } catch (SQLException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot release computing cell " + cellId + " of " + id.label()
          + ": " + e + " (it is reclaimed once its claim is found released)");
      return false;
    }
  }

  /**
   * Gives the number of the row just removed back, in a statement of its own (after the removal's
   * commit, and holding no block row while it waits for starts in progress). Never throws: a number
   * not given back is merely left unused.
   */
  private void giveBackNumber() {
    try {
      store.connections().retrying(c -> {
        try (PreparedStatement g = c.prepareStatement("SELECT memokit.give_back_cell_id(?)")) {
          g.setLong(1, cellId);
          g.execute();
        }
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cell number " + cellId + " of " + id.label() + " not given back: "
          + e);
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (startedWithClaim != null && !started) { // started by the claim, never used
      started = true;
      abandon();
    }
    try {
      if (!released) store.lockSession().unlock(lockKey, hold);
    } finally {
      store.claims().remove(lockKey);
    }
  }
}
