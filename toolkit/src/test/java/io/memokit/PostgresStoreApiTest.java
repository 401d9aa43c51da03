package io.memokit;

import static io.memokit.Memo.memo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.storage.StoreSettings;
import io.memokit.storage.postgres.PostgresBackend;
import io.memokit.storage.postgres.PostgresServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API on a PostgreSQL store, opened by its URL as a user would: {@code Memo.store("jdbc:postgresql://...")}. */
class PostgresStoreApiTest {

  private final PostgresServer server = PostgresServer.get();
  private String database;
  private String url;
  @RegisterExtension
  final TraceRecorder recorder = new TraceRecorder();

  @BeforeEach
  void createDatabase() throws Exception {
    database = server.createDatabase();
    url = server.url(database);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    assertEquals(List.of(), PostgresBackend.open(url, StoreSettings.defaults()).check(false), "the store checks clean");
    PostgresBackend.open(url, StoreSettings.defaults()).close(); // the instance Memo.store opened
    server.dropDatabase(database);
  }

  @Test
  void aMemoizedFunctionComputesOnceAndIsManagedAsOnADirectory() {
    MemoStore s = Memo.store(url);
    AtomicInteger calls = new AtomicInteger();
    var square = memo(s, "pg.square", (Integer x) -> {
      calls.incrementAndGet();
      return x * x;
    });
    assertEquals(49, square.apply(7));
    assertEquals(49, square.apply(7));
    assertEquals(49, square.apply(7));
    assertEquals(1, calls.get());
    assertEquals("MISS HIT HIT", recorder.kinds());
    BlockInfo info = square.info();
    assertEquals(2, info.hits());
    assertEquals(1, info.misses());
    assertEquals(1, info.size());
    assertTrue(info.bytes() > 0);

    AtomicInteger failures = new AtomicInteger();
    var fail = memo(s, "pg.fail", (Integer x) -> {
      failures.incrementAndGet();
      throw new IllegalStateException("no " + x);
    });
    assertEquals("no 3", assertThrows(IllegalStateException.class, () -> fail.apply(3)).getMessage());
    assertEquals("no 3", assertThrows(IllegalStateException.class, () -> fail.apply(3)).getMessage());
    assertEquals(1, failures.get(), "the exception is stored and rethrown");
    assertEquals(1, fail.clearErrors());

    assertEquals(List.of("pg.fail", "pg.square"), s.blocks().stream().map(BlockInfo::name).sorted().toList());
    assertEquals(1, square.clear());
    assertEquals(49, square.apply(7));
    assertEquals(2, calls.get(), "computed again after a clear");
    assertTrue(!s.toString().contains(server.password()), s.toString());
  }

  @Test
  void aResultThatCannotBeStoredTakesNoCellNumber() {
    MemoStore s = Memo.store(url);
    var open = memo(s, "pg.open", (Integer x) -> new java.io.ByteArrayInputStream(new byte[x]));
    for (int i = 0; i < 3; i++) assertEquals(2, open.apply(2).available());
    var next = memo(s, "pg.next", (Integer x) -> x + 1);
    assertEquals(3, next.apply(2));
    assertEquals(3, next.apply(2));
    assertEquals("MISS(1) MISS(1) MISS(1) MISS(1) HIT(1)", recorder.events(), "the stored cell is number 1");
    assertEquals(3, open.info().misses());
    assertEquals(0, open.info().size());
    assertEquals(2, next.info().hits() + next.info().misses(), "hits and misses add up to the calls");
  }
}
