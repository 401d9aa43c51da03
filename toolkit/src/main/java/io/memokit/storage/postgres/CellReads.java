package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.StoredCell;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.CRC32C;

/**
 * Reading a block's finished cells: the row of a key, its payload verified (lengths, chunks,
 * checksum, key), and a damaged cell removed so that it is computed again. {@link StoreCheck} reads
 * rows the same way.
 */
final class CellReads {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  /** Where a read found a cell: its block's row and generation then, and its row's token. */
  /** A finished cell read from its row: the row's block, version token and generation, and when it was read. */
  record RowCell(long cellId, Payload payload, long blockId, long token, long generation, long readAt,
                 Claim.Timing timing) implements StoredCell {}

  /** A finished cell's row as read, before its payload is verified. */
  record Row(long blockId, long cellId, int state, int codec, int flags, long length, int crc, byte[] key,
             byte[] payload, int chunks, long token, long generation, Claim.Timing timing) {}

  /**
   * The block's row and a key's finished row, if any (key hash, then the block: by its id
   * {@link #BY_ID}, or by its identity {@link #BY_IDENTITY}); no row if the block has none.
   */
  private static final String ROW = "SELECT b.id, c.id, c.state, c.codec, c.flags, c.length, c.crc, c.key, "
      + "c.payload, c.chunks, c.token, b.generation, c.created, c.cpu_nanos, c.wall_nanos FROM memokit.blocks b "
      + "LEFT JOIN memokit.cells c ON c.block_id = b.id AND c.key_hi = ? AND c.key_lo = ? AND " + BlockSql.finished("c")
      + " WHERE ";
  /** By the block's id, as last read here: two lookups by primary key. */
  static final String BY_ID = ROW + "b.id = ?";
  /**
   * By the block's identity: its id looked up by its name first ({@link BlockSql#ID_OF_IDENTITY}),
   * then as {@link #BY_ID}.
   */
  static final String BY_IDENTITY = ROW + "b.id = " + BlockSql.ID_OF_IDENTITY;
  /** The block's id as this process last read it; 0 if unknown. */
  private volatile long blockId;

  private final PostgresBackend store;
  private final FunctionId id;
  private final Contention contention;

  CellReads(PostgresBackend store, FunctionId id, Contention contention) {
    this.store = store;
    this.id = id;
    this.contention = contention;
  }

  /**
   * The key's finished row as {@code memokit.claim_cell} read it ({@link Schema#routines}), from its
   * columns 2 to 16, or {@code null} if it found none. A row read once the claim was held comes
   * without its timing: it was stored after the caller's own read began.
   */
  static Row claimedRow(ResultSet r, boolean underClaim) throws SQLException {
    r.getLong(2);
    return r.wasNull() ? null : row(r, 2, !underClaim);
  }

  /**
   * The finished row of {@code key}, or {@code null}: read by the block's id if this process knows
   * it, else (or if the block's row has gone: a store cleared elsewhere) by its identity.
   */
  private Row selectRow(Connection c, CellKey key) throws SQLException {
    long known = blockId;
    if (known != 0) {
      Row byId = select(c, BY_ID, key, q -> q.setLong(3, known));
      if (byId != null) return byId.cellId() == 0 ? null : byId;
      blockId = 0;
    }
    Row byIdentity = select(c, BY_IDENTITY, key, q -> BlockSql.bindIdentity(q, 3, id));
    if (byIdentity == null) return null;
    blockId = byIdentity.blockId();
    return byIdentity.cellId() == 0 ? null : byIdentity;
  }

  private interface Binder {
    void bind(PreparedStatement q) throws SQLException;
  }

  /** The block's row and the key's cell ({@code cellId} 0 if none); {@code null} if no block. */
  private static Row select(Connection c, String sql, CellKey key, Binder block) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      Payloads.binary(q);
      q.setLong(1, key.hashHi());
      q.setLong(2, key.hashLo());
      block.bind(q);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? row(r, 1, true) : null;
      }
    }
  }

  /** A row as {@link #ROW} selects it, without the timing columns. */
  static Row row(ResultSet r) throws SQLException {
    return row(r, 1, false);
  }

  /**
   * The row whose columns, as {@link #ROW} selects them, begin at column {@code from}; with its
   * timing when {@code timed} (a read made under a claim leaves it out, see {@link #claimedRow}).
   */
  private static Row row(ResultSet r, int from, boolean timed) throws SQLException {
    int i = from - 1;
    Claim.Timing timing = timed ? new Claim.Timing(r.getLong(i + 13), r.getLong(i + 14), r.getLong(i + 15)) : null;
    return new Row(r.getLong(i + 1), r.getLong(i + 2), r.getInt(i + 3), r.getInt(i + 4), r.getInt(i + 5),
        r.getLong(i + 6), r.getInt(i + 7), r.getBytes(i + 8), r.getBytes(i + 9), r.getInt(i + 10), r.getLong(i + 11),
        r.getLong(i + 12), timing);
  }

  /** The row's payload, verified (lengths, chunks, checksum); chunks are read on {@code c}, in the row's snapshot. */
  static Payload verify(Connection c, Row row) throws SQLException, Payloads.Damaged {
    if (row.state() != BlockSql.VALUE && row.state() != BlockSql.ERROR) {
      throw new Payloads.Damaged("its state " + row.state() + " is unknown");
    }
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
    return new Payload((byte) row.codec(), bytes, bytes.length, row.state() == BlockSql.ERROR,
        (row.flags() & Payloads.FLAG_SHAREABLE) != 0);
  }

  /**
   * The finished cell of {@code key}, verified, or {@code null}. A small payload comes with its row
   * in one query; chunks are read with the row again in one repeatable-read snapshot. A damaged cell
   * is logged, removed (if this role may) and answered as absent.
   */
  StoredCell read(CellKey key) {
    if (!contention.mayRead(key)) return null; // another process computes it, and was asked about less than a poll ago
    long began = store.ticks();
    Row row;
    try {
      row = store.connections().call(c -> selectRow(c, key));
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot read a cell of " + id.label() + " from store "
          + store.location() + ": " + e.getMessage() + "; treated as a miss");
      return null;
    }
    return verified(key, row, began);
  }

  /**
   * The finished cell {@code row} (of {@code key}, read at or after {@code began}) verified, or
   * {@code null}; its chunks, if any, are read with the row again in one snapshot. A damaged cell
   * is logged, removed (if this role may) and answered as absent.
   */
  StoredCell verified(CellKey key, Row row, long began) {
    if (row == null) return null;
    Payload payload;
    try {
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
    return new RowCell(row.cellId(), payload, row.blockId(), row.token(), row.generation(), began, row.timing());
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
        BlockSql.Locked b = BlockSql.lock(c, id, false, store.settings().maxsize());
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
          return del.executeUpdate() > 0 ? b.id() : null;
        }
      });
      if (removedFrom != null) store.watches().refresh(removedFrom);
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot remove a damaged cell of " + id.label() + " from store "
          + store.location() + ": " + e.getMessage());
    }
    return null;
  }
}
