package io.memokit;

import io.memokit.storage.StoreSettings;
import io.memokit.storage.postgres.PostgresServer;
import java.nio.file.Path;

/**
 * The kinds of store a facade test runs on: a directory, and a PostgreSQL database (a fresh one
 * per store, on the test server, dropped by {@link #dispose}).
 */
public enum StoreKind {
  DIRECTORY {
    @Override
    String newLocation(Path tmp, String name) {
      return tmp.resolve(name).toString();
    }
  },
  POSTGRES {
    @Override
    String newLocation(Path tmp, String name) throws Exception {
      PostgresServer server = PostgresServer.get();
      return server.url(server.createDatabase());
    }

    @Override
    void dispose(MemoStore store) throws Exception {
      store.close(); // its connections, so that the database can be dropped
      String location = store.location();
      PostgresServer.get().dropDatabase(location.substring(location.lastIndexOf('/') + 1, location.indexOf('?')));
    }
  };

  /** A location for a new, empty store of this kind ({@code tmp} holds a directory store). */
  abstract String newLocation(Path tmp, String name) throws Exception;

  /** A new, empty store of this kind, with {@code settings}. */
  MemoStore open(Path tmp, String name, StoreSettings settings) throws Exception {
    return OpenStore.open(newLocation(tmp, name), settings);
  }

  /** A new, empty store of this kind, with the default settings. */
  MemoStore open(Path tmp, String name) throws Exception {
    return open(tmp, name, StoreSettings.defaults());
  }

  /** Closes {@code store} and releases what it holds beyond the test (its database). */
  void dispose(MemoStore store) throws Exception {
    store.close();
  }
}
