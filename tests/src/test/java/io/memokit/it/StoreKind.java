package io.memokit.it;

import java.nio.file.Path;

/**
 * The store backends the multi-process tests run against, each test once per backend: a backend
 * gives the location string a process opens with {@code Memo.store(location)}.
 */
enum StoreKind {
  /** The embedded default: a directory with file locks. */
  DIRECTORY {
    @Override
    String location(Path tmp) {
      return tmp.resolve("store").toString();
    }
  };

  /** A fresh store's location for a test whose temporary directory is {@code tmp}. */
  abstract String location(Path tmp);

  /** Asserts that the store at {@code location} checks clean ({@code check(false)} finds nothing). */
  static void assertSound(String location) {
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), io.memokit.Memo.store(location).check(false),
        "store " + location + " checks clean after the test");
  }
}
