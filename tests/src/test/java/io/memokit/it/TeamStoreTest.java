package io.memokit.it;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.MemoFn1;
import io.memokit.MemoException;
import io.memokit.MemoStore;
import io.memokit.storage.postgres.PostgresServer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The grants for a team store in docs/stores.md ("Sharing across machines"), run as they are
 * written (role names made unique to the test) on a database whose store its owner opened: the
 * writer role computes, hits and manages; the reader role gets hits and, on a miss, an error naming
 * the rights it lacks and the grants that give them.
 */
@Tag("quick")
class TeamStoreTest {

  private final PostgresServer server = PostgresServer.get();
  private final String database;
  private final String writer;
  private final String reader;

  TeamStoreTest() throws SQLException {
    database = server.createDatabase();
    writer = "memo_writer_" + database;
    reader = "memo_reader_" + database;
  }

  @AfterEach
  void dropTheDatabaseAndTheRoles() throws SQLException {
    server.dropDatabase(database);
    try (Connection c = server.admin("postgres"); Statement st = c.createStatement()) {
      for (String role : List.of(writer, reader)) st.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  /** The first {@code sql} block of the section "Sharing across machines" of docs/stores.md. */
  static List<String> documentedGrants() throws Exception {
    String doc = Files.readString(Notebooks.ROOT.resolve("docs/stores.md"));
    int section = doc.indexOf("\n## Sharing across machines");
    assertTrue(section >= 0, "docs/stores.md has a section \"Sharing across machines\"");
    int start = doc.indexOf("```sql\n", section);
    assertTrue(start >= 0 && doc.indexOf("\n## ", section + 1) > start, "the section has an sql block");
    String block = doc.substring(start + 7, doc.indexOf("```", start + 7));
    return List.of(block.replaceAll("--[^\n]*", "").split(";")).stream().map(String::strip).filter(s -> !s.isEmpty())
        .toList();
  }

  private static MemoFn1<Integer, String> f(MemoStore s) {
    return memo(s, "team.f", (Integer k) -> "value of " + k);
  }

  @Test
  void theDocumentedGrantsGiveAWriterAndAReaderThatGetsHitsAndAClearErrorOnAMiss() throws Exception {
    assertEquals(0, f(store(server.url(database))).info().size(), "the owner's first store(...) made the schema");
    List<String> grants = documentedGrants();
    assertEquals(6, grants.size(), grants.toString());
    try (Connection c = server.admin(database); Statement st = c.createStatement()) {
      for (String sql : grants) st.execute(sql.replace("memo_writer", writer).replace("memo_reader", reader));
    }

    String writerUrl = server.url(database, writer, "writer-secret");
    MemoFn1<Integer, String> w = f(store(writerUrl));
    assertEquals("value of 1", w.apply(1));
    assertEquals("value of 1", w.apply(1));
    assertEquals(1, w.info().misses(), w.info().toString());
    assertEquals(1, w.info().hits(), w.info().toString());
    assertEquals(List.of(), store(writerUrl).check(false));

    String readerUrl = server.url(database, reader, "reader-secret");
    MemoFn1<Integer, String> r = f(store(readerUrl));
    assertEquals("value of 1", r.apply(1), "the reader hits the writer's cell");
    assertEquals(writer, r.cells().get(0).origin().user(), "and sees who stored it: the writer's role");
    MemoException miss = assertThrows(MemoException.class, () -> r.apply(2));
    String m = miss.getMessage();
    System.out.println("TeamStoreTest: the reader's miss: " + m);
    assertTrue(m.contains("role " + reader + " may read this store's cells but not compute a missing one")
        && m.contains("INSERT") && m.contains("memokit.cells") && m.contains("GRANT"), m);
    assertFalse(m.contains("reader-secret"), m);
    assertThrows(MemoException.class, r::clear, "the reader may not clear");

    assertEquals(1, w.clear(), "the writer manages the store");
    assertEquals(List.of(), store(server.url(database)).check(false));
  }
}
