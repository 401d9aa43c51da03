package io.memokit.storage.postgres;

import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.WaitBoard;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wait board in {@code memokit.waits}: one row per thread waiting for a cell another process
 * computes, its entry's text as the directory store writes it in a file. Ages are the server's
 * ({@code clock_timestamp()} when a row was written and when it is read), so hosts whose clocks
 * disagree still judge freshness alike.
 */
final class PostgresWaitBoard implements WaitBoard {

  private static final System.Logger LOG = System.getLogger("io.memokit");

  private final PostgresBackend store;

  PostgresWaitBoard(PostgresBackend store) {
    this.store = store;
  }

  @Override
  public void publish(Entry e) throws IOException {
    try {
      store.connections().call(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO memokit.waits (host_hash, pid, thread_id, entry, "
            + "updated) VALUES (?, ?, ?, ?, clock_timestamp()) ON CONFLICT (host_hash, pid, thread_id) "
            + "DO UPDATE SET entry = EXCLUDED.entry, updated = EXCLUDED.updated")) {
          p.setInt(1, e.hostHash());
          p.setLong(2, e.pid());
          p.setLong(3, e.threadId());
          p.setString(4, e.text());
          return p.executeUpdate();
        }
      });
    } catch (SQLException x) {
      throw SqlErrors.io("cannot publish a wait in store " + store.location(), x);
    }
  }

  @Override
  public void withdraw(Entry e) {
    delete(e.hostHash(), e.pid(), e.threadId());
  }

  private void delete(int hostHash, long pid, long threadId) {
    try {
      store.connections().call(c -> {
        try (PreparedStatement p = c.prepareStatement(
            "DELETE FROM memokit.waits WHERE host_hash = ? AND pid = ? AND thread_id = ?")) {
          p.setInt(1, hostHash);
          p.setLong(2, pid);
          p.setLong(3, threadId);
          return p.executeUpdate();
        }
      });
    } catch (SQLException | RuntimeException x) {
      // another process removed it, or cannot: it is ignored either way
    }
  }

  @Override
  public List<Entry> entries() {
    List<Entry> result = new ArrayList<>();
    List<Entry> dead = new ArrayList<>();
    try {
      store.connections().call(c -> {
        try (PreparedStatement q = c.prepareStatement("SELECT entry, "
            + "(extract(epoch FROM clock_timestamp() - updated) * 1000)::bigint FROM memokit.waits");
             ResultSet r = q.executeQuery()) {
          while (r.next()) {
            Entry e;
            try {
              e = Entry.parse(r.getString(1));
            } catch (RuntimeException bad) {
              continue; // not an entry memokit wrote
            }
            if (e.hostHash() == ProcessIdentity.HOST_HASH) {
              if (!ProcessIdentity.mayBeAlive(e.pid(), e.hostHash(), e.started())) dead.add(e);
              else result.add(e);
            } else if (r.getLong(2) <= REMOTE_FRESH_MILLIS) {
              result.add(e);
            }
          }
        }
        return null;
      });
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cannot read the waits of store " + store.location() + ": " + e);
    }
    for (Entry e : dead) delete(e.hostHash(), e.pid(), e.threadId()); // its process died: the row says nothing
    return result;
  }
}
