package io.memokit;

import static io.memokit.Memo.memo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.storage.StoreSettings;
import io.memokit.storage.postgres.PostgresBackend;
import io.memokit.storage.postgres.PostgresServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block read and managed by its name, without its function ({@link MemoStore#block(String)}), as
 * the command line and a notebook managing a store do: the same on a directory and on PostgreSQL.
 */
class StoredBlockTest {

  @Test
  void onADirectory(@TempDir Path dir) {
    exercise(Memo.store(dir.resolve("store")), "dir");
  }

  @Test
  void onPostgres() throws Exception {
    PostgresServer server = PostgresServer.get();
    String database = server.createDatabase();
    String url = server.url(database);
    try {
      exercise(Memo.store(url), "pg");
    } finally {
      PostgresBackend.open(url, StoreSettings.defaults()).close();
      server.dropDatabase(database);
    }
  }

  private static void exercise(MemoStore s, String prefix) {
    AtomicInteger calls = new AtomicInteger();
    var sq = memo(s, prefix + ".sq", (Integer x) -> {
      calls.incrementAndGet();
      if (x < 0) throw new IllegalArgumentException("negative " + x);
      return x * x;
    });
    for (int x = -1; x < 4; x++) {
      try {
        sq.apply(x);
      } catch (IllegalArgumentException expected) {
        // stored, like a value
      }
    }
    String name = s.blocks().get(0).blockName();
    assertTrue(name.startsWith(prefix + ".sq(1)#"), name);

    StoredBlock byFullName = s.block(name);
    StoredBlock byShortName = s.block(prefix + ".sq");
    assertEquals(name, byShortName.name(), "a unique short name finds the block");
    assertEquals(5, byFullName.info().size());
    assertEquals(sq.cells().stream().map(CellInfo::id).toList(), byShortName.cells().stream().map(CellInfo::id).toList());
    assertTrue(byFullName.footprint() > 0, "the block takes room in its store");
    assertFalse(byFullName.lastUsed().isAfter(Instant.now()), "last used is a past instant");
    assertEquals(List.of(), byFullName.usedBy(), "no other process uses it");

    assertTrue(byFullName.cells().stream().allMatch(c -> c.origin().pid() == ProcessHandle.current().pid()),
        "every cell names the process that stored it: " + byFullName.cells());

    assertEquals(1, byFullName.clearErrors());
    assertEquals(0, byFullName.removeCells(c -> false));
    assertEquals(1, byFullName.removeCells(c -> c.arguments().equals("(0)")), "the one cell chosen");
    assertEquals(List.of("(1)", "(2)", "(3)"), byFullName.cells().stream().map(CellInfo::arguments).sorted().toList());
    int beforeRemoval = calls.get();
    assertEquals(0, sq.apply(0), "computed again");
    assertEquals(beforeRemoval + 1, calls.get(), "what this process remembered of the removed cell no longer answers");
    assertEquals(2, byFullName.resize(2), "the least recently hit go first");
    assertEquals(2, sq.info().size(), "the function sees what was done by name");
    int before = calls.get();
    assertEquals(9, sq.apply(3), "a kept cell");
    assertEquals(before, calls.get(), "still stored");

    MemoException none = assertThrows(MemoException.class, () -> s.block(prefix + ".nothing"));
    assertTrue(none.getMessage().contains("no block " + prefix + ".nothing") && none.getMessage().contains(name),
        none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> byFullName.resize(0));

    assertTrue(byFullName.remove(), "a block no other process uses is removed");
    assertTrue(s.blocks().isEmpty(), "gone: " + s.blocks());
  }
}
