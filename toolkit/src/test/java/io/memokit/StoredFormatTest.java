package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.fixture.StoredPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores written by earlier versions of memokit stay readable: {@code stores/format-1} was written
 * by memokit 0.1 as of commit 8a0c150 (before the storage contract moved classes between packages),
 * with a record, a map of lists, an array and a stored exception. Every call on it must HIT, with
 * the value that was stored; a miss here means a user's stored results were silently lost.
 */
@Tag("both-jdks")
class StoredFormatTest {

  @RegisterExtension
  final TraceRecorder trace = new TraceRecorder();

  private static Path copyOf(String fixture, Path dir) throws Exception {
    Path source = Path.of(StoredFormatTest.class.getResource("/stores/" + fixture + "/memokit.store").toURI()).getParent();
    Path target = dir.resolve(fixture);
    FileUtils.copyDirectory(source.toFile(), target.toFile());
    return target;
  }

  @Test
  void valuesAndExceptionsStoredByMemokit01AreHits(@TempDir Path dir) throws Exception {
    MemoStore store = store(copyOf("format-1", dir));
    var point = memo(store, version("point", 1, (Integer i) -> new StoredPoint(-1, 0, "recomputed")));
    var table = memo(store, version("table", 1, (Integer n) -> Map.<String, List<Integer>>of()));
    var fails = memo(store, version("fails", 1, (Integer i) -> "recomputed"));
    var series = memo(store, version("series", 1, (Integer n) -> new double[0]));

    assertEquals(new StoredPoint(1, 2.5, "p1"), point.apply(1));
    assertEquals(Map.of("k0", List.of(0, 0), "k1", List.of(1, 1), "k2", List.of(2, 4)), table.apply(3));
    double[] expected = new double[1000];
    for (int i = 0; i < expected.length; i++) expected[i] = Math.sqrt(i);
    assertArrayEquals(expected, series.apply(1000));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> fails.apply(7));
    assertEquals("boom 7", e.getMessage());
    assertTrue(e.getSuppressed().length == 1 && e.getSuppressed()[0].getMessage().contains("stored by process"),
        "the stored exception says where it came from");
    assertEquals("HIT HIT HIT HIT", trace.kinds());
    assertTrue(Files.exists(store.path().resolve("memokit.store")));

    // Their records (cell file format 1) say nothing of where they came from; a cell stored now does.
    for (String block : List.of("point", "table", "fails", "series")) {
      for (CellInfo c : store.block(block).cells()) {
        assertEquals(CellOrigin.UNKNOWN, c.origin(), block + ": " + c);
        assertTrue(c.toString().contains(" written by=unknown "), c.toString());
      }
    }
    point.apply(2);
    CellInfo stored = point.cells().stream().filter(c -> c.arguments().equals("(2)")).findFirst().orElseThrow();
    assertEquals(System.getProperty("user.name"), stored.origin().writer(), stored.toString());
  }
}
