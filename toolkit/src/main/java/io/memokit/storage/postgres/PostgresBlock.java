package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.Murmur3;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.BlockStatus;
import io.memokit.storage.CellHolder;
import io.memokit.storage.CellStatus;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.StoredCell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The cells of one function identity in a PostgreSQL store: rows of {@code memokit.cells} under
 * the block's row in {@code memokit.blocks}, found by the block's identity (name, version, code,
 * arity), so that a block removed and recreated by another process is the same block here.
 *
 * <p><b>Lock order.</b> Every transaction that adds, finishes or removes cells locks the block's
 * row first ({@code FOR UPDATE}), then the cells' rows: the triggers that keep the block's counters
 * update that row, and taking it first keeps two transactions from waiting for each other. Hits
 * update only their cell's row, in their own statement.
 *
 * <p><b>Claims and fencing.</b> A claim is an advisory lock on a 64-bit key mixed from the block's
 * identity and the key's hash, held in the process's {@link LockSession}. {@code start} inserts the
 * cell's row (state computing) with a new token from {@code memokit.tokens}, or gives a computing row
 * whose claimer's session ended a new token (a takeover). {@code complete} stores the result only
 * if the row still has the claim's token and the claim's session still holds the lock, both
 * checked in the statement that stores it: a process whose session ended, and whose cell another
 * took over, finds its result lost and overwrites nothing.
 *
 * <p><b>Waiting.</b> While another process holds a cell's claim, this process asks the server about
 * that cell (read, claim, holder) at most every {@value #WAIT_POLL_MILLIS} ms, however often the
 * cell lifecycle polls: between those questions a read answers absent and a claim fails from memory.
 */
final class PostgresBlock implements BlockBackend {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  /** The block's row found by identity, as {@code b}: bind with {@link #bindIdentity}. */
  static final String IDENTITY = "b.name = ? AND b.version = ? AND b.code = ? AND b.arity = ?";
  static final int COMPUTING = 0;
  static final int VALUE = 1;
  static final int ERROR = 2;
  /** Whether a session holds the advisory lock {@code c.lock_key}. */
  static final String LOCK_HELD_BY_ANYONE = "EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory'"
      + " AND l.granted AND l.objsubid = 1 AND l.classid::bigint = ((c.lock_key >> 32) & 4294967295)"
      + " AND l.objid::bigint = (c.lock_key & 4294967295)"
      + " AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))";
  /** Whether the session with server pid {@code ?} holds the advisory lock {@code ?} (high, low halves). */
  private static final String LOCK_HELD_BY = "EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory'"
      + " AND l.granted AND l.pid = ? AND l.objsubid = 1 AND l.classid::bigint = ? AND l.objid::bigint = ?"
      + " AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))";
  static final long WAIT_POLL_MILLIS = 100;
  private static final long WAIT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(WAIT_POLL_MILLIS);

  private final PostgresBackend store;
  private final FunctionId id;
  private final long identityHash;
  private volatile Runnable publisher = () -> {};
  private volatile boolean rowEnsured;
  /** The block's fill as last seen by a start here: whether the next start may evict (hits are published first). */
  private volatile int knownCells;
  private volatile int knownMaxsize = Integer.MAX_VALUE;
  /** When {@link #maxsize()} last read the maxsize from the server (System.nanoTime; 0: never). */
  private volatile long maxsizeReadAt;
  /** How long {@link #maxsize()} answers from memory (the cell lifecycle asks it on every hit it remembers). */
  private static final long MAXSIZE_FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Cells whose claim another process held when last asked, and when this process last asked the server. */
  private final Map<CellKey, Contended> contended = new ConcurrentHashMap<>();

  private static final class Contended {
    volatile long claimedAt;
    volatile long readAt;
    volatile long holderAt;
    volatile CellHolder holder;
  }

  PostgresBlock(PostgresBackend store, FunctionId id) {
    this.store = store;
    this.id = id;
    this.identityHash = hash(id.directoryName());
  }

  @Override
  public FunctionId id() {
    return id;
  }

  static int bindIdentity(PreparedStatement p, int i, FunctionId id) throws SQLException {
    p.setString(i, id.name());
    p.setString(i + 1, id.version());
    p.setString(i + 2, id.code());
    p.setInt(i + 3, id.arity());
    return i + 4;
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

  private long now() {
    return store.settings().clockMillis().getAsLong();
  }

  /** Creates the block's row if it has none (once per process, and again after a removal here). */
  void ensureRow() {
    if (rowEnsured || !store.canWrite()) return;
    try {
      store.connections().call(c -> {
        insertRow(c);
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

  private void insertRow(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO memokit.blocks (name, version, code, arity, maxsize) "
        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, version, code, arity) DO NOTHING")) {
      bindIdentity(p, 1, id);
      p.setInt(5, store.settings().maxsize());
      p.executeUpdate();
    }
  }

  /** The block's row, locked for this transaction: id, maxsize, cells; created if {@code create}. {@code null} if none. */
  private long[] lockRow(Connection c, boolean create) throws SQLException {
    for (int attempt = 0; attempt < 2; attempt++) {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT b.id, b.maxsize, b.cells FROM memokit.blocks b WHERE " + IDENTITY + " FOR UPDATE")) {
        bindIdentity(p, 1, id);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) return new long[] {r.getLong(1), r.getInt(2), r.getInt(3)};
        }
      }
      if (!create) return null;
      insertRow(c);
    }
    throw new SQLException("block " + id.label() + " vanished while it was being created");
  }

  private static boolean lockRowById(Connection c, long blockId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM memokit.blocks WHERE id = ? FOR UPDATE")) {
      p.setLong(1, blockId);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  // ---- waiting -------------------------------------------------------------------------------

  /** Whether this process asked the server about {@code key}'s contended cell less than the wait poll ago (at {@code last}). */
  private static boolean recent(long last) {
    return last != 0 && System.nanoTime() - last < WAIT_POLL_NANOS;
  }

  private void noteContended(CellKey key) {
    if (contended.size() > 4096) {
      long old = System.nanoTime() - 10 * WAIT_POLL_NANOS;
      contended.values().removeIf(k -> k.claimedAt - old < 0);
    }
    contended.computeIfAbsent(key, k -> new Contended()).claimedAt = System.nanoTime();
  }

  // ---- finished cells -------------------------------------------------------------------------

  /** Where a read found a cell: its block's row and generation then, and its row's token. */
  record Whereabouts(long blockId, long cellId, long token, long generation, long readAt) {}

  /** A finished cell's row as read, before its payload is verified. */
  record Row(long blockId, long cellId, int state, int codec, int flags, long length, int crc, byte[] key,
             byte[] payload, int chunks, long token, long generation) {}

  private static final String ROW = "SELECT c.block_id, c.id, c.state, c.codec, c.flags, c.length, c.crc, c.key, "
      + "c.payload, c.chunks, c.token, b.generation FROM memokit.blocks b JOIN memokit.cells c ON c.block_id = b.id "
      + "WHERE " + IDENTITY + " AND c.key_hi = ? AND c.key_lo = ? AND c.state > 0";

  private Row selectRow(Connection c, CellKey key) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(ROW)) {
      Payloads.binary(q);
      int i = bindIdentity(q, 1, id);
      q.setLong(i, key.hashHi());
      q.setLong(i + 1, key.hashLo());
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? row(r) : null;
      }
    }
  }

  static Row row(ResultSet r) throws SQLException {
    return new Row(r.getLong(1), r.getLong(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getLong(6), r.getInt(7),
        r.getBytes(8), r.getBytes(9), r.getInt(10), r.getLong(11), r.getLong(12));
  }

  /** The row's payload, verified (lengths, chunks, checksum); chunks are read on {@code c}, in the row's snapshot. */
  static Payload verify(Connection c, Row row) throws SQLException, Payloads.Damaged {
    if (row.state() != VALUE && row.state() != ERROR) throw new Payloads.Damaged("its state " + row.state() + " is unknown");
    byte[] bytes;
    int crc;
    if (row.chunks() == 0) {
      if (row.payload() == null || row.payload().length != row.length()) {
        throw new Payloads.Damaged("its payload is not of the length its row says (" + row.length() + " bytes)");
      }
      bytes = row.payload();
      crc = Payloads.crc(bytes, 0, bytes.length, row.key(), row.cellId(), row.codec(), row.flags(), row.state());
    } else {
      CRC32C sum = new CRC32C();
      bytes = Payloads.readChunks(c, row.token(), row.length(), row.chunks(), sum);
      crc = Payloads.finish(sum, row.key(), row.cellId(), row.length(), row.codec(), row.flags(), row.state());
    }
    if (crc != row.crc()) throw new Payloads.Damaged("its checksum does not match");
    return new Payload((byte) row.codec(), bytes, bytes.length, row.state() == ERROR,
        (row.flags() & Payloads.FLAG_SHAREABLE) != 0);
  }

  /**
   * The finished cell of {@code key}, verified, or {@code null}. A small payload comes with its row
   * in one query; chunks are read with the row again in one repeatable-read snapshot. A damaged cell
   * is logged, removed (if this role may) and answered as absent.
   */
  @Override
  public StoredCell read(CellKey key) {
    Contended k = contended.get(key);
    if (k != null) {
      if (recent(k.readAt)) return null;
      k.readAt = System.nanoTime();
    }
    long began = System.nanoTime();
    Row row;
    Payload payload;
    try {
      row = store.connections().call(c -> selectRow(c, key));
      if (row == null) return null;
      if (row.chunks() == 0) {
        payload = verify(null, row);
      } else {
        Object[] both = store.connections().call(c -> snapshot(c, () -> {
          Row again = selectRow(c, key);
          return again == null ? null : new Object[] {again, verify(c, again)};
        }));
        if (both == null) return null;
        row = (Row) both[0];
        payload = (Payload) both[1];
      }
    } catch (SQLException e) {
      if (e.getCause() instanceof Payloads.Damaged d) return damaged(key, d);
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read a cell of " + id.label() + " from store "
          + store.location() + ": " + e.getMessage() + "; treated as a miss");
      return null;
    } catch (Payloads.Damaged d) {
      return damaged(key, d);
    }
    if (!key.sameAs(key.hashHi(), key.hashLo(), row.key())) {
      // Another key's cell under this key's hash: a 128-bit hash collision, or a row copied by hand.
      return damaged(key, new Payloads.Damaged("it holds the cell of another key"));
    }
    return new StoredCell(row.cellId(), payload, new Whereabouts(row.blockId(), row.cellId(), row.token(),
        row.generation(), began));
  }

  /** Work in a read-only transaction that sees one snapshot. */
  interface SnapshotWork<T> {
    T run() throws SQLException, Payloads.Damaged;
  }

  /**
   * Runs {@code work} in one repeatable-read, read-only transaction on {@code c}; a {@link Payloads.Damaged}
   * comes out as the cause of an {@link SQLException} with state {@code MKDMG}.
   */
  static <T> T snapshot(Connection c, SnapshotWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      T result = work.run();
      c.commit();
      return result;
    } catch (Payloads.Damaged d) {
      Connections.rollbackQuietly(c);
      throw new SQLException(d.getMessage(), "MKDMG", d);
    } catch (SQLException | RuntimeException e) {
      Connections.rollbackQuietly(c);
      throw e;
    } finally {
      if (!c.isClosed()) c.setAutoCommit(true);
    }
  }

  private StoredCell damaged(CellKey key, Payloads.Damaged d) {
    LOG.log(System.Logger.Level.WARNING, "memokit: a cell of " + id.label() + " in store " + store.location()
        + " is damaged (" + d.getMessage() + "); treated as a miss and recomputed");
    if (!store.canWrite()) return null;
    try {
      Long removedFrom = store.connections().transaction(c -> {
        long[] b = lockRow(c, false);
        if (b == null) return null;
        Row now = selectRow(c, key);
        if (now == null) return null;
        try {
          verify(c, now);
          if (key.sameAs(key.hashHi(), key.hashLo(), now.key())) return null; // replaced by a whole cell meanwhile
        } catch (Payloads.Damaged stillDamaged) {
          // removed below
        }
        try (PreparedStatement del = c.prepareStatement("DELETE FROM memokit.cells WHERE id = ? AND token = ?")) {
          del.setLong(1, now.cellId());
          del.setLong(2, now.token());
          return del.executeUpdate() > 0 ? b[0] : null;
        }
      });
      if (removedFrom != null) store.watches().refresh(removedFrom);
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot remove a damaged cell of " + id.label() + " from store "
          + store.location() + ": " + e.getMessage());
    }
    return null;
  }

  /** Counts a hit on a cell just read; its presence was validated by the read's snapshot. */
  @Override
  public Presence hit(CellKey key, StoredCell cell) {
    Whereabouts w = (Whereabouts) cell.whereabouts();
    if (store.canWrite()) {
      try {
        boolean stored = store.connections().call(c -> addHits(c, w.blockId(), w.cellId(), 1, now()));
        if (!stored) return null; // removed since the read (the hit is counted)
      } catch (SQLException e) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: cannot count a hit of " + id.label() + ": " + e);
      }
    }
    return presence(w.blockId(), w.cellId(), w.generation(), w.readAt());
  }

  /**
   * Adds {@code n} hits, the last at {@code lastHit}, to cell {@code cellId}; to its block's hits of
   * removed cells if the cell was removed meanwhile (every hit answered is counted, as the directory
   * store counts it). One statement, which locks one row: the cell's, or else the block's. Returns
   * whether the cell was still stored.
   */
  private static boolean addHits(Connection c, long blockId, long cellId, long n, long lastHit) throws SQLException {
    try (PreparedStatement u = c.prepareStatement("WITH hit AS (UPDATE memokit.cells SET hits = hits + ?, "
        + "last_hit = GREATEST(last_hit, ?) WHERE id = ? AND state > 0 RETURNING id), "
        + "gone AS (UPDATE memokit.blocks SET removed_hits = removed_hits + ? WHERE id = ? "
        + "AND NOT EXISTS (SELECT 1 FROM hit) RETURNING id) "
        + "SELECT EXISTS (SELECT 1 FROM hit)")) {
      u.setLong(1, n);
      u.setLong(2, lastHit);
      u.setLong(3, cellId);
      u.setLong(4, n);
      u.setLong(5, blockId);
      try (ResultSet r = u.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  private Presence presence(long blockId, long cellId, long generation, long readAt) {
    return new RowPresence(store.watches().watch(blockId, generation, readAt), cellId, generation);
  }

  /**
   * A cell this process remembers: still stored while its block's generation is the one it was
   * validated at ({@link Watches} bounds how old that knowledge may be); re-validated by one query
   * when the generation moved (another cell of the block may have gone, not this one).
   */
  private final class RowPresence implements Presence {
    private final Watches.Watch watch;
    private final long cellId;
    private volatile long validatedAt;

    RowPresence(Watches.Watch watch, long cellId, long generation) {
      this.watch = watch;
      this.cellId = cellId;
      this.validatedAt = generation;
    }

    @Override
    public long cellId() {
      return cellId;
    }

    @Override
    public boolean stillStored() {
      if (!store.watches().current(watch)) return false;
      long generation = watch.generation;
      if (generation == validatedAt) return true;
      if (generation == Watches.GONE) return false;
      try {
        boolean stored = store.connections().call(c -> {
          try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM memokit.cells WHERE id = ? AND state > 0")) {
            q.setLong(1, cellId);
            try (ResultSet r = q.executeQuery()) {
              return r.next();
            }
          }
        });
        if (stored) validatedAt = generation;
        return stored;
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void publishHits(long n, long lastHitMillis) {
      if (n <= 0 || !store.canWrite()) return;
      try {
        store.connections().call(c -> addHits(c, watch.blockId, cellId, n, lastHitMillis));
      } catch (SQLException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: cannot publish hits of " + id.label() + ": " + e);
      }
    }
  }

  @Override
  public void beforeStatistics(Runnable publishHits) {
    publisher = publishHits;
  }

  void publishHits() {
    try {
      publisher.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot publish hit counts of " + id.label() + ": " + e);
    }
  }

  @Override
  public boolean repairedAfter(Throwable fault) {
    return false;
  }

  // ---- claims --------------------------------------------------------------------------------

  @Override
  public Claim tryClaim(CellKey key) throws IOException {
    if (!store.canWrite()) throw store.readOnly(id);
    Contended k = contended.get(key);
    if (k != null && recent(k.claimedAt)) return null;
    long lockKey = lockKey(key.hashHi(), key.hashLo());
    if (store.claims().putIfAbsent(lockKey, Boolean.TRUE) != null) return null; // another thread of this process
    boolean claimed = false;
    try {
      LockSession.Hold hold = store.lockSession().tryLock(lockKey);
      if (hold == null) {
        noteContended(key);
        return null;
      }
      contended.remove(key);
      claimed = true;
      return new RowClaim(key, lockKey, hold);
    } catch (SQLException e) {
      throw SqlErrors.io("cannot claim a cell of " + id.label() + " in store " + store.location(), e);
    } finally {
      if (!claimed) store.claims().remove(lockKey);
    }
  }

  private final class RowClaim implements Claim {
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

    RowClaim(CellKey key, long lockKey, LockSession.Hold hold) {
      this.key = key;
      this.lockKey = lockKey;
      this.hold = hold;
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
      if (knownCells + 1 >= knownMaxsize) publishHits(); // eviction reads last-hit times: make ours current
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
      long now = now();
      long[] b = lockRow(c, true);
      blockId = b[0];
      int maxsize = (int) b[1];
      int cells = (int) b[2];
      try (PreparedStatement q = c.prepareStatement("SELECT " + LOCK_HELD_BY)) {
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
      if (existing == COMPUTING) {
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
      int evicted = cells >= maxsize ? evict(c, blockId, cells - maxsize + 1) : 0;
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
      knownCells = cells - evicted + 1;
      knownMaxsize = maxsize;
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
     */
    @Override
    public Presence complete(Payload result, Timing timing) throws IOException {
      if (!started) throw new IllegalStateException("complete() before start() for a cell of " + id.label());
      if (finished) throw new IllegalStateException("cell " + cellId + " of " + id.label() + " is already finished");
      int state = result.error() ? ERROR : VALUE;
      int flags = result.shareable() ? Payloads.FLAG_SHAREABLE : 0;
      byte[] encoding = key.encoding();
      int crc = Payloads.crc(result.bytes(), 0, result.length(), encoding, cellId, result.codec(), flags, state);
      int chunks = Payloads.chunksOf(result);
      long size = result.length() + (encoding == null ? 0 : encoding.length);
      long began = System.nanoTime();
      long[] outcome; // generation, byte limit, bytes of every block before this cell
      try {
        outcome = store.connections().transaction(c -> {
          if (chunks > 0) Payloads.writeChunks(c, token, result);
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
          try (PreparedStatement u = c.prepareStatement("UPDATE memokit.cells SET state = ?, codec = ?, flags = ?, "
              + "length = ?, size = ?, crc = ?, payload = ?, chunks = ?, key = ?, dependencies = ?, created = ?, "
              + "cpu_nanos = ?, wall_nanos = ?, last_hit = ?, holder_pid = NULL, holder_host = NULL, "
              + "holder_host_hash = NULL, holder_backend = NULL "
              + "WHERE block_id = ? AND key_hi = ? AND key_lo = ? AND token = ? AND state = 0 AND " + LOCK_HELD_BY)) {
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
            u.setLong(14, now());
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
        });
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
      return presence(blockId, cellId, outcome[0], began);
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
          if (!lockRowById(c, blockId)) return null;
          try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.cells "
              + "WHERE block_id = ? AND key_hi = ? AND key_lo = ? AND token = ? AND state = 0")) {
            d.setLong(1, blockId);
            d.setLong(2, key.hashHi());
            d.setLong(3, key.hashLo());
            d.setLong(4, token);
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

  /** Who computes {@code key}'s cell, as its computing row names it; {@code null} if none is visible. */
  @Override
  public CellHolder holder(CellKey key) {
    Contended k = contended.get(key);
    if (k != null) {
      if (recent(k.holderAt)) return k.holder;
      CellHolder h = holder(key.hashHi(), key.hashLo());
      k.holder = h;
      k.holderAt = System.nanoTime();
      return h;
    }
    return holder(key.hashHi(), key.hashLo());
  }

  CellHolder holder(long hi, long lo) {
    try {
      return store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement("SELECT c.id, c.holder_pid, c.holder_host_hash, c.holder_host, "
            + "c.created FROM memokit.blocks b JOIN memokit.cells c ON c.block_id = b.id WHERE " + IDENTITY
            + " AND c.key_hi = ? AND c.key_lo = ? AND c.state = 0")) {
          int i = bindIdentity(q, 1, id);
          q.setLong(i, hi);
          q.setLong(i + 1, lo);
          try (ResultSet r = q.executeQuery()) {
            if (!r.next()) return null;
            String host = r.getString(4);
            return new CellHolder(r.getLong(1), r.getLong(2), r.getInt(3), host == null ? "?" : host, r.getLong(5));
          }
        }
      });
    } catch (SQLException e) {
      return null;
    }
  }

  // ---- management ----------------------------------------------------------------------------

  /** Evicts the {@code n} least recently hit finished cells of the block (its row locked). Returns how many. */
  private static int evict(Connection c, long blockId, int n) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.cells WHERE id IN (SELECT id FROM memokit.cells "
        + "WHERE block_id = ? AND state > 0 ORDER BY last_hit, id LIMIT ?)")) {
      d.setLong(1, blockId);
      d.setInt(2, n);
      return d.executeUpdate();
    }
  }

  /**
   * Deletes the computing rows whose claim no session holds (their process died, nobody waited to
   * take them over). Returns how many; 0 for a role that may only read.
   */
  private int reclaimOrphans() {
    if (!store.canWrite()) return 0;
    try {
      return store.connections().transaction(c -> {
        long[] b = lockRow(c, false);
        if (b == null) return 0;
        try (PreparedStatement d = c.prepareStatement("DELETE FROM memokit.cells c WHERE c.block_id = ? "
            + "AND c.state = 0 AND NOT " + LOCK_HELD_BY_ANYONE)) {
          d.setLong(1, b[0]);
          return d.executeUpdate();
        }
      });
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot reclaim cells of " + id.label() + ": " + e);
      return 0;
    }
  }

  /** Removes every cell (a process computing one then finds it lost). Returns the finished cells removed. */
  @Override
  public int clear() throws IOException {
    return remove("clear " + id.label(), "");
  }

  @Override
  public int clearErrors() throws IOException {
    return remove("clear the errors of " + id.label(), " AND state = " + ERROR);
  }

  private int remove(String what, String condition) throws IOException {
    publishHits();
    return manage(what, c -> {
      long[] b = lockRow(c, false);
      if (b == null) return new long[] {0, -1};
      try (PreparedStatement d = c.prepareStatement("WITH gone AS (DELETE FROM memokit.cells WHERE block_id = ?"
          + condition + " RETURNING state) SELECT count(*) FILTER (WHERE state > 0) FROM gone")) {
        d.setLong(1, b[0]);
        try (ResultSet r = d.executeQuery()) {
          r.next();
          return new long[] {r.getInt(1), b[0]};
        }
      }
    });
  }

  /**
   * Runs a management transaction returning how many finished cells it removed and the block's row
   * id; then reads the block's generation, so that this process sees its own removals at once. A
   * missing right is a {@code StoreException} naming it, other failures I/O.
   */
  private int manage(String what, Connections.Work<long[]> work) throws IOException {
    try {
      long[] done = store.connections().transaction(work);
      if (done[0] > 0) store.watches().refresh(done[1]);
      return (int) done[0];
    } catch (SQLException e) {
      if (SqlErrors.isPrivilege(e)) throw store.failure(what, e);
      throw SqlErrors.io("cannot " + what + " in store " + store.location(), e);
    }
  }

  @Override
  public int resize(int maxsize) throws IOException {
    if (maxsize < 1) throw new IllegalArgumentException("maxsize must be at least 1, got " + maxsize);
    publishHits();
    int evicted = manage("resize " + id.label(), c -> {
      long[] b = lockRow(c, true);
      try (PreparedStatement u = c.prepareStatement("UPDATE memokit.blocks SET maxsize = ? WHERE id = ?")) {
        u.setInt(1, maxsize);
        u.setLong(2, b[0]);
        u.executeUpdate();
      }
      return new long[] {b[2] > maxsize ? evict(c, b[0], (int) (b[2] - maxsize)) : 0, b[0]};
    });
    knownMaxsize = maxsize;
    return evicted;
  }

  /** The block's maxsize, read from the server at most once a second (a resize here is seen at once). */
  @Override
  public int maxsize() {
    long t = maxsizeReadAt;
    if (t != 0 && System.nanoTime() - t < MAXSIZE_FRESH_NANOS) return knownMaxsize;
    long began = System.nanoTime();
    try {
      Integer m = store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement("SELECT b.maxsize FROM memokit.blocks b WHERE " + IDENTITY)) {
          bindIdentity(q, 1, id);
          try (ResultSet r = q.executeQuery()) {
            return r.next() ? r.getInt(1) : null;
          }
        }
      });
      int maxsize = m == null ? store.settings().maxsize() : m;
      knownMaxsize = maxsize;
      maxsizeReadAt = began;
      return maxsize;
    } catch (SQLException e) {
      throw store.failure("read the maxsize of " + id.label(), e);
    }
  }

  @Override
  public BlockStatus status() {
    publishHits();
    reclaimOrphans();
    try {
      BlockStatus s = store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement("SELECT b.removed_hits + coalesce(sum(c.hits), 0), b.misses, "
            + "b.maxsize, count(c.id), count(c.id) FILTER (WHERE c.state = 2), count(c.id) FILTER (WHERE c.state = 0), "
            + "coalesce(sum(c.size) FILTER (WHERE c.state > 0), 0) "
            + "FROM memokit.blocks b LEFT JOIN memokit.cells c ON c.block_id = b.id WHERE " + IDENTITY + " GROUP BY b.id")) {
          bindIdentity(q, 1, id);
          try (ResultSet r = q.executeQuery()) {
            if (!r.next()) return null;
            return new BlockStatus(r.getLong(1), r.getLong(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6),
                r.getLong(7));
          }
        }
      });
      return s != null ? s : new BlockStatus(0, 0, store.settings().maxsize(), 0, 0, 0, 0);
    } catch (SQLException e) {
      throw store.failure("read the statistics of " + id.label(), e);
    }
  }

  @Override
  public List<CellStatus> cells() {
    publishHits();
    reclaimOrphans();
    try {
      return store.connections().call(c -> {
        List<CellStatus> list = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT c.id, c.state, c.created, c.last_hit, c.hits, c.size, "
            + "c.cpu_nanos, c.wall_nanos FROM memokit.blocks b JOIN memokit.cells c ON c.block_id = b.id WHERE "
            + IDENTITY + " ORDER BY c.id")) {
          bindIdentity(q, 1, id);
          try (ResultSet r = q.executeQuery()) {
            while (r.next()) {
              int state = r.getInt(2);
              CellStatus.State s = state == COMPUTING ? CellStatus.State.COMPUTING
                  : state == ERROR ? CellStatus.State.ERROR : CellStatus.State.VALUE;
              list.add(new CellStatus(r.getLong(1), s, r.getLong(3), r.getLong(4), r.getLong(5),
                  state == COMPUTING ? 0 : r.getLong(6), r.getLong(7), r.getLong(8)));
            }
          }
        }
        return list;
      });
    } catch (SQLException e) {
      throw store.failure("list the cells of " + id.label(), e);
    }
  }

  @Override
  public String toString() {
    return "Block[" + store.location() + ":" + id.label() + "]";
  }
}
