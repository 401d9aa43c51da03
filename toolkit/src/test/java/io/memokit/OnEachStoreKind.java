package io.memokit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A facade test run once per kind of store: each test gets a new, empty store {@link #s} of
 * {@link #kind}, and must leave it checking clean. The trace of the test's calls is {@link #recorder}'s.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
abstract class OnEachStoreKind {

  @Parameter
  StoreKind kind;
  @TempDir
  Path dir;
  MemoStore s;
  @RegisterExtension
  final TraceRecorder recorder = new TraceRecorder();

  @BeforeEach
  void open() throws Exception {
    s = kind.open(dir, "store");
  }

  @AfterEach
  void dispose() throws Exception {
    assertEquals(List.of(), s.check(false), "the store checks clean");
    kind.dispose(s);
  }
}
