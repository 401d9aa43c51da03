package io.memokit;

import static io.memokit.Memo.memo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.storage.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A closed store: its hits published, its files released, its functions refusing calls with the
 * way to reopen it; opened again, it is a new instance that reads everything from the store, as a
 * new process would.
 */
class StoreCloseTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aClosedStoreReleasesItsFilesAndOpensAnewFromWhatItStored(StoreKind kind) throws Exception {
    String location = kind.newLocation(dir, "store");
    AtomicInteger computed = new AtomicInteger();
    MemoStore first;
    try (MemoStore s = OpenStore.open(location, StoreSettings.defaults())) {
      first = s;
      var sq = memo(s, "close.sq", (Integer x) -> {
        computed.incrementAndGet();
        return x * x;
      });
      assertEquals(1, sq.apply(1));
      assertEquals(4, sq.apply(2));
      assertEquals(1, sq.apply(1), "a hit from memory, published when the store closes");
      s.close();
      MemoException refused = assertThrows(MemoException.class, () -> sq.apply(3));
      assertTrue(refused.getMessage().contains("is closed") && refused.getMessage().contains("store(\""),
          refused.getMessage());
      if (kind == StoreKind.DIRECTORY) {
        assertEquals(List.of(), openFilesUnder(Path.of(location)), "no file of the store stays open");
      }
    }
    MemoStore again = OpenStore.open(location, StoreSettings.defaults());
    try {
      assertNotSame(first, again, "a new instance");
      var sq = memo(again, "close.sq", (Integer x) -> {
        computed.incrementAndGet();
        return x * x;
      });
      assertEquals(1, sq.info().hits(), "the hit counted before closing was published");
      assertEquals(1, sq.apply(1));
      assertEquals(4, sq.apply(2));
      assertEquals(2, computed.get(), "both cells were read from the store");
      assertEquals(2, sq.info().size());
    } finally {
      kind.dispose(again);
    }
  }

  /** The files under {@code root} this process has open (Linux: /proc/self/fd). */
  private static List<Path> openFilesUnder(Path root) throws IOException {
    Path real = root.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(fd -> {
        try {
          return Files.readSymbolicLink(fd);
        } catch (IOException gone) {
          return null;
        }
      }).filter(p -> p != null && p.startsWith(real)).toList();
    }
  }
}
