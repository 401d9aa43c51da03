package io.memokit.storage.postgres;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.storage.CellHolder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for a cell another process computes: who computes it (its computing row), and how often
 * this process asks the server about it. While another process holds a cell's claim, this process
 * asks about that cell (read, claim, holder) at most every {@value #WAIT_POLL_MILLIS} ms, however
 * often the cell lifecycle polls: between those questions a read answers absent, a claim fails and
 * the holder is the last one seen, from memory.
 */
final class Contention {

  static final long WAIT_POLL_MILLIS = 100;
  private static final long WAIT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(WAIT_POLL_MILLIS);

  private final PostgresBackend store;
  private final FunctionId id;
  /** Cells whose claim another process held when last asked, and when this process last asked the server. */
  private final Map<CellKey, Contended> contended = new ConcurrentHashMap<>();

  private static final class Contended {
    volatile long claimedAt;
    volatile long readAt;
    volatile long holderAt;
    volatile CellHolder holder;
  }

  Contention(PostgresBackend store, FunctionId id) {
    this.store = store;
    this.id = id;
  }

  /** Whether this process asked the server about {@code key}'s contended cell less than the wait poll ago (at {@code last}). */
  private boolean recent(long last) {
    return last != 0 && store.ticks() - last < WAIT_POLL_NANOS;
  }

  /** Whether a read of {@code key} may ask the server now ({@code false}: answer absent); counts as asking. */
  boolean mayRead(CellKey key) {
    Contended k = contended.get(key);
    if (k == null) return true;
    if (recent(k.readAt)) return false;
    k.readAt = store.ticks();
    return true;
  }

  /** Whether a claim of {@code key} may ask the server now ({@code false}: fail). */
  boolean mayClaim(CellKey key) {
    Contended k = contended.get(key);
    return k == null || !recent(k.claimedAt);
  }

  /** Another process holds {@code key}'s claim: asked now. */
  void claimRefused(CellKey key) {
    if (contended.size() > 4096) {
      long old = store.ticks() - 10 * WAIT_POLL_NANOS;
      contended.values().removeIf(k -> k.claimedAt - old < 0);
    }
    contended.computeIfAbsent(key, k -> new Contended()).claimedAt = store.ticks();
  }

  /** This process holds {@code key}'s claim: the cell is no longer contended. */
  void claimed(CellKey key) {
    contended.remove(key);
  }

  /** Who computes {@code key}'s cell, as its computing row names it; {@code null} if none is visible. */
  CellHolder holder(CellKey key) {
    Contended k = contended.get(key);
    if (k != null) {
      if (recent(k.holderAt)) return k.holder;
      CellHolder h = holder(key.hashHi(), key.hashLo());
      k.holder = h;
      k.holderAt = store.ticks();
      return h;
    }
    return holder(key.hashHi(), key.hashLo());
  }

  /** The computation of a key, its number and who computes it; bind the block's identity, then the key's hash. */
  static final String HOLDER = "SELECT c.id, c.holder_pid, c.holder_host_hash, c.holder_host, c.created "
      + "FROM memokit.computing c WHERE c.block_id = " + BlockSql.ID_OF_IDENTITY + " AND c.key_hi = ? AND c.key_lo = ?";

  /** Who computes the cell of key hash {@code hi}, {@code lo}, asked of the server; {@code null} if none is visible. */
  CellHolder holder(long hi, long lo) {
    try {
      return store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement(HOLDER)) {
          int i = BlockSql.bindIdentity(q, 1, id);
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
}
