package io.memokit.it;

import io.memokit.storage.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Stream;

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

    @Override
    int waitsLeft(String location) throws Exception {
      Path waits = Path.of(location).resolve("waits");
      if (!Files.isDirectory(waits)) return 0;
      try (Stream<Path> left = Files.list(waits)) {
        return (int) left.count();
      }
    }
  },
  /**
   * A PostgreSQL database (its JDBC URL, with a password): a fresh one of the server the tests
   * start from the machine's packages; claims are advisory locks the server releases when a
   * process's session ends.
   */
  POSTGRES {
    @Override
    String location(Path tmp) throws Exception {
      PostgresServer server = PostgresServer.get();
      return server.url(server.createDatabase());
    }

    @Override
    int waitsLeft(String location) throws Exception {
      try (Connection c = new org.postgresql.Driver().connect(location, new Properties());
           Statement st = c.createStatement();
           ResultSet r = st.executeQuery("SELECT count(*) FROM memokit.waits")) {
        r.next();
        return r.getInt(1);
      }
    }
  };

  /** A fresh store's location for a test whose temporary directory is {@code tmp}. */
  abstract String location(Path tmp) throws Exception;

  /** How many waits the store's board still holds. */
  abstract int waitsLeft(String location) throws Exception;

  /** Asserts that the store at {@code location} checks clean ({@code check(false)} finds nothing). */
  static void assertSound(String location) {
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), io.memokit.Memo.store(location).check(false),
        "store " + location + " checks clean after the test");
  }
}
