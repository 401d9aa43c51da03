package io.memokit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memokit.storage.Backends;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test of the toolkit (junit-platform.properties): after each test, every
 * store the test opened must check clean ({@code check(false)} finds nothing), however the test
 * damaged it: memokit repairs what it meets, and leaves nothing inconsistent behind.
 */
public final class StoresCheckClean implements BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StoresCheckClean.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("before", new HashSet<>(OpenStore.opened()));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void afterEach(ExtensionContext context) {
    Set<OpenStore> before = context.getStore(NS).get("before", Set.class);
    for (OpenStore s : OpenStore.opened()) {
      if (before.contains(s) || Backends.isUrl(s.location()) || !Files.isDirectory(s.path())) continue;
      assertEquals(List.of(), s.backend().check(false), "store " + s.location() + " checks clean after the test");
    }
  }
}
