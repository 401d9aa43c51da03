package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
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
 * {@link LockSession}. {@code start} inserts the cell's row (state computing) with a new token from
 * {@code memokit.tokens}, or gives a computing row whose claimer's session ended a new token (a
 * takeover). {@code complete} stores the result only if the row still has the claim's token and the
 * claim's session still holds the lock, both checked in the statement that stores it: a process
 * whose session ended, and whose cell another took over, finds its result lost and overwrites nothing.
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
  private boolean started;
  /** Whether starting removed a finished cell of the key (stale: damaged, or unreadable here). */
  private boolean removedFinished;
  private boolean finished;
  private boolean closed;

  private RowClaim(PostgresBlock block, CellKey key, long lockKey, LockSession.Hold hold) {
    this.block = block;
    this.store = block.store();
    this.id = block.id();
    this.key = key;
    this.lockKey = lockKey;
    this.hold = hold;
  }

  /**
   * Claims {@code key}'s cell of {@code block}, or returns {@code null} if another thread of this
   * process or another process holds the claim (asked of the server at most every wait poll, see
   * {@link Contention}).
   */
  static Claim tryClaim(PostgresBlock block, CellKey key) throws IOException {
    PostgresBackend store = block.store();
    if (!store.canWrite()) throw store.readOnly(block.id());
    if (!block.contention().mayClaim(key)) return null;
    long lockKey = block.lockKey(key.hashHi(), key.hashLo());
    if (store.claims().putIfAbsent(lockKey, Boolean.TRUE) != null) return null; // another thread of this process
    boolean claimed = false;
    try {
      LockSession.Hold hold = store.lockSession().tryLock(lockKey);
      if (hold == null) {
        block.contention().claimRefused(key);
        return null;
      }
      block.contention().claimed(key);
      claimed = true;
      return new RowClaim(block, key, lockKey, hold);
    } catch (SQLException e) {
      throw SqlErrors.io("cannot claim a cell of " + block.id().label() + " in store " + store.location(), e);
    } finally {
      if (!claimed) store.claims().remove(lockKey);
    }
  }

  private int bindLockHeld(PreparedStatement p, int i) throws SQLException {
    p.setInt(i, hold.backendPid());
    p.setLong(i + 1, lockKey >>> 32);
    p.setLong(i + 2, lockKey & 0xFFFF_FFFFL);
    return i + 3;
  }

  @Override
  public Started start() throws IOException {
    if (started) throw new IllegalStateException("cell " + cellId + " of " + id.label() + " is already started");
    if (block.admin().mayEvictNext()) block.publishHits(); // eviction reads last-hit times: make ours current
    try {
      Started s = store.connections().transaction(this::begin);
      started = true;
      if (s.evicted() > 0 || removedFinished) store.watches().refresh(blockId);
      return s;
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure("compute a cell of " + id.label(), e);
      throw SqlErrors.io("cannot start a cell of " + id.label() + " in store " + store.location(), e);
    }
  }

  /**
   * In one transaction, the block's row locked: checks that this claim's session still holds its
   * lock; takes over a computing row (its claimer's session ended), or removes a finished one (stale:
   * damaged, or finished after this claim's read); evicts the least recently hit cells of a full
   * block; inserts the computing row.
   */
  private Started begin(Connection c) throws SQLException {
    removedFinished = false;
    long now = store.settings().clockMillis().getAsLong();
    BlockSql.Locked b = BlockSql.lock(c, id, true, store.settings().maxsize());
    blockId = b.id();
    int maxsize = b.maxsize();
    int cells = b.cells();
    try (PreparedStatement q = c.prepareStatement("SELECT " + BlockSql.LOCK_HELD_BY)) {
      bindLockHeld(q, 1);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        if (!r.getBoolean(1)) {
          throw new SQLException("the claim was lost: its session with the server ended", "MKLST");
        }
      }
    }
    int existing = -1;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT state FROM memokit.cells WHERE block_id = ? AND key_hi = ? AND key_lo = ? FOR UPDATE")) {
      q.setLong(1, blockId);
      q.setLong(2, key.hashHi());
      q.setLong(3, key.hashLo());
      try (ResultSet r = q.executeQuery()) {
        if (r.next()) existing = r.getInt(1);
      }
    }
    if (existing == BlockSql.COMPUTING) {
      try (PreparedStatement u = c.prepareStatement("UPDATE memokit.cells SET token = nextval('memokit.tokens'), "
          + "lock_key = ?, created = ?, last_hit = ?, holder_pid = ?, holder_host = ?, holder_host_hash = ?, "
          + "holder_backend = ? WHERE block_id = ? AND key_hi = ? AND key_lo = ? RETURNING id, token")) {
        u.setLong(1, lockKey);
        u.setLong(2, now);
        u.setLong(3, now);
        bindHolder(u, 4);
        u.setLong(8, blockId);
        u.setLong(9, key.hashHi());
        u.setLong(10, key.hashLo());
        readIds(u);
      }
      countMiss(c);
      return new Started(cellId, 0, true);
    }
    if (existing > 0) {
      try (PreparedStatement d = c.prepareStatement(
          "DELETE FROM memokit.cells WHERE block_id = ? AND key_hi = ? AND key_lo = ?")) {
        d.setLong(1, blockId);
        d.setLong(2, key.hashHi());
        d.setLong(3, key.hashLo());
        d.executeUpdate();
      }
      removedFinished = true;
      cells--;
    }
    int evicted = cells >= maxsize ? BlockAdmin.evict(c, blockId, cells - maxsize + 1) : 0;
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO memokit.cells (block_id, key_hi, key_lo, id, "
        + "state, token, lock_key, key, created, last_hit, holder_pid, holder_host, holder_host_hash, holder_backend) "
        + "VALUES (?, ?, ?, nextval('memokit.cell_ids'), 0, nextval('memokit.tokens'), ?, ?, ?, ?, ?, ?, ?, ?) "
        + "RETURNING id, token")) {
      ins.setLong(1, blockId);
      ins.setLong(2, key.hashHi());
      ins.setLong(3, key.hashLo());
      ins.setLong(4, lockKey);
      byte[] encoding = key.encoding();
      if (encoding == null) ins.setNull(5, Types.BINARY);
      else ins.setBytes(5, encoding);
      ins.setLong(6, now);
      ins.setLong(7, now);
      bindHolder(ins, 8);
      readIds(ins);
    }
    countMiss(c);
    block.admin().filled(cells - evicted + 1, maxsize);
    return new Started(cellId, evicted, false);
  }

  private void bindHolder(PreparedStatement p, int i) throws SQLException {
    p.setLong(i, ProcessIdentity.PID);
    p.setString(i + 1, ProcessIdentity.HOST);
    p.setInt(i + 2, ProcessIdentity.HOST_HASH);
    p.setInt(i + 3, hold.backendPid());
  }

  private void readIds(PreparedStatement p) throws SQLException {
    try (ResultSet r = p.executeQuery()) {
      if (!r.next()) throw new SQLException("the cell's row vanished while it was started");
      cellId = r.getLong(1);
      token = r.getLong(2);
    }
  }

  private void countMiss(Connection c) throws SQLException {
    try (PreparedStatement u = c.prepareStatement("UPDATE memokit.blocks SET misses = misses + 1 WHERE id = ?")) {
      u.setLong(1, blockId);
      u.executeUpdate();
    }
  }

  /**
   * Stores the result in one transaction: its chunks first (keyed by this claim's token), then the
   * block's row locked, then the cell's row, only if it still has this claim's token and is
   * computing, and this claim's session still holds its lock. Otherwise rolls everything back and
   * removes the row if it is still this claim's: lost.
   *
   * <p>If the connection breaks meanwhile (a network cut: the connections this process kept idle
   * through it are dead), the transaction runs once more on a new connection, which first looks for
   * this claim's result: the commit of the first run may have reached the server before the break.
   */
  @Override
  public Presence complete(Payload result, Timing timing) throws IOException {
    if (!started) throw new IllegalStateException("complete() before start() for a cell of " + id.label());
    if (finished) throw new IllegalStateException("cell " + cellId + " of " + id.label() + " is already finished");
    int state = result.error() ? BlockSql.ERROR : BlockSql.VALUE;
    int flags = result.shareable() ? Payloads.FLAG_SHAREABLE : 0;
    byte[] encoding = key.encoding();
    int crc = Payloads.crc(result.bytes(), 0, result.length(), encoding, cellId, result.codec(), flags, state);
    int chunks = Payloads.chunksOf(result);
    long size = result.length() + (encoding == null ? 0 : encoding.length);
    long began = System.nanoTime();
    boolean[] again = {false};
    Connections.Work<long[]> work = c -> { // generation, byte limit, bytes of every block before this cell
      boolean storedBefore = again[0] && ownResultStored(c);
      if (chunks > 0 && !storedBefore) Payloads.writeChunks(c, token, result);
      long[] o;
      try (PreparedStatement q = c.prepareStatement("SELECT generation, "
          + "coalesce((SELECT value FROM memokit.settings WHERE name = 'byte_limit'), 0), "
          + "(SELECT coalesce(sum(bytes), 0) FROM memokit.blocks) FROM memokit.blocks WHERE id = ? FOR UPDATE")) {
        q.setLong(1, blockId);
        try (ResultSet r = q.executeQuery()) {
          if (!r.next()) {
            c.rollback();
            return null; // the block was removed
          }
          o = new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
        }
      }
      if (storedBefore) return o;
      try (PreparedStatement u = c.prepareStatement("UPDATE memokit.cells SET state = ?, codec = ?, flags = ?, "
          + "length = ?, size = ?, crc = ?, payload = ?, chunks = ?, key = ?, dependencies = ?, created = ?, "
          + "cpu_nanos = ?, wall_nanos = ?, last_hit = ?, holder_pid = NULL, holder_host = NULL, "
          + "holder_host_hash = NULL, holder_backend = NULL "
          + "WHERE block_id = ? AND key_hi = ? AND key_lo = ? AND token = ? AND state = 0 AND " + BlockSql.LOCK_HELD_BY)) {
        u.setInt(1, state);
        u.setInt(2, result.codec());
        u.setInt(3, flags);
        u.setLong(4, result.length());
        u.setLong(5, size);
        u.setInt(6, crc);
        if (chunks > 0) u.setNull(7, Types.BINARY);
        else u.setBytes(7, result.length() == result.bytes().length ? result.bytes()
            : Arrays.copyOf(result.bytes(), result.length())); // at most INLINE_MAX bytes
        u.setInt(8, chunks);
        if (encoding == null) u.setNull(9, Types.BINARY);
        else u.setBytes(9, encoding);
        u.setArray(10, dependencies(c));
        u.setLong(11, timing.createdMillis());
        u.setLong(12, timing.cpuNanos());
        u.setLong(13, timing.wallNanos());
        u.setLong(14, store.settings().clockMillis().getAsLong());
        u.setLong(15, blockId);
        u.setLong(16, key.hashHi());
        u.setLong(17, key.hashLo());
        u.setLong(18, token);
        bindLockHeld(u, 19);
        if (u.executeUpdate() == 0) {
          c.rollback();
          return null; // cleared, taken over, or this claim's session ended
        }
      }
      return o;
    };
    long[] outcome;
    try {
      try {
        outcome = store.connections().transaction(work);
      } catch (SQLException e) {
        if (!SqlErrors.brokeConnection(e)) throw e;
        again[0] = true;
        outcome = store.connections().transaction(work);
      }
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure("store a cell of " + id.label(), e);
      throw SqlErrors.io("cannot store cell " + cellId + " of " + id.label() + " in store " + store.location(), e);
    }
    finished = true;
    if (outcome == null) {
      removeOwnRow();
      return null;
    }
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
    try (PreparedStatement q = onOwnRow(c, "SELECT 1 FROM memokit.cells WHERE " + OWN_ROW + " AND state > 0");
         ResultSet r = q.executeQuery()) {
      return r.next();
    }
  }

  private Array dependencies(Connection c) throws SQLException {
    List<FunctionId> deps = key.dependencies();
    if (deps.isEmpty()) return null;
    String[] names = new String[deps.size()];
    for (int i = 0; i < names.length; i++) names[i] = deps.get(i).directoryName();
    return c.createArrayOf("text", names);
  }

  @Override
  public void abandon() {
    if (started && !finished) {
      finished = true;
      removeOwnRow();
    }
  }

  /** Deletes the cell's row if it is still this claim's computing row (nobody took it over). Never throws. */
  private void removeOwnRow() {
    try {
      store.connections().transaction(c -> {
        if (!BlockSql.lockById(c, blockId)) return null;
        try (PreparedStatement d = onOwnRow(c, "DELETE FROM memokit.cells WHERE " + OWN_ROW + " AND state = 0")) {
          d.executeUpdate();
        }
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot release computing cell " + cellId + " of " + id.label()
          + ": " + e + " (it is reclaimed once its claim is found released)");
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      store.lockSession().unlock(lockKey, hold);
    } finally {
      store.claims().remove(lockKey);
    }
  }
}
