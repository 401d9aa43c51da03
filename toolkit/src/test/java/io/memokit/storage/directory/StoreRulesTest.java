package io.memokit.storage.directory;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo;
import io.memokit.MemoException;
import io.memokit.MemoStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directories become stores, with which permissions, and how a bad one is refused. */
class StoreRulesTest {

  @TempDir
  Path dir;

  @Test
  void aNewStoreIsOwnerOnlyAndOneObjectPerPath() throws Exception {
    Path p = dir.resolve("new/store");
    MemoStore s = store(p);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    assertSame(s, store(dir.resolve("new/../new/store")), "one object per canonical path");
    assertTrue(Files.exists(p.resolve("memokit.store")));
  }

  @Test
  void filesInheritTheDirectorysPermissionsWithoutExecute() throws Exception {
    Path p = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-x---"));
    memo(store(p), "rules.f", (Integer x) -> x).apply(1);
    try (Stream<Path> all = Files.walk(p)) {
      for (Path f : all.toList()) {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
        assertEquals(Files.isDirectory(f) ? "rwxr-x---" : "rw-r-----", perms, f.toString());
      }
    }
  }

  @Test
  void aPathThatIsAFileOrLiesUnderOneIsRefusedInWordsAndTheFileKept() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "precious");
    assertEquals("store path is a file, not a directory: " + file,
        assertThrows(MemoException.class, () -> store(file)).getMessage());
    assertEquals("store path " + file.resolve("cache") + ": its parent is a file, not a directory: " + file,
        assertThrows(MemoException.class, () -> store(file.resolve("cache"))).getMessage());
    assertEquals("store path " + file.resolve("a/cache") + ": a folder above it is a file, not a directory: " + file,
        assertThrows(MemoException.class, () -> store(file + "/a/cache")).getMessage());
    assertEquals("precious", Files.readString(file), "the file is left as it was");
    try (Stream<Path> beside = Files.list(dir)) {
      assertEquals(1, beside.count(), "nothing made beside it");
    }
  }

  @Test
  void aLeadingTildeIsTheUsersHomeAsInAShellAndTildeUserIsRefused() throws Exception {
    Path home = Files.createDirectory(dir.resolve("home"));
    String was = System.getProperty("user.home");
    String defaultStore = System.getProperty("memokit.store");
    System.setProperty("user.home", home.toString());
    try {
      MemoStore s = store("~/cache");
      assertEquals(home.resolve("cache").toRealPath().toString(), s.location());
      assertSame(s, store(Path.of("~/cache")), "a Path is read alike");
      assertSame(s, store("~/other/../cache"));
      assertFalse(Files.exists(Path.of("~")), "no folder named ~ in the working directory");
      IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> store("~bob/cache"));
      assertTrue(other.getMessage().contains("not ~bob") && other.getMessage().contains("./~bob/cache"), other.getMessage());
      System.setProperty("memokit.store", "~/default");
      assertEquals(home.resolve("default"), Memo.defaultStorePath());
    } finally {
      System.setProperty("user.home", was);
      if (defaultStore == null) System.clearProperty("memokit.store");
      else System.setProperty("memokit.store", defaultStore);
    }
  }

  @Test
  void aWorldWritableStoreIsRefused() throws Exception {
    Path p = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
    MemoException e = assertThrows(MemoException.class, () -> store(p));
    assertTrue(e.getMessage().contains("world-writable") && e.getMessage().contains("chmod o-w"), e.getMessage());
  }

  /**
   * Who else can write a store decides how its values are read (the safe default, or any class): a
   * store only its owner can write has nobody else; a group-writable one, its group's members; one
   * owned by another user, that user.
   */
  @Test
  void whoElseCanWriteAStoreIsJudgedFromItsOwnerAndPermissions() throws Exception {
    Path p = Files.createDirectory(dir.resolve("mine"));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-x---"));
    assertEquals(null, OtherWriters.of(p), "group may read, not write: only its owner writes");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwx---"));
    String group = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
    assertEquals("members of group " + group + " can write it (rwxrwx---)", OtherWriters.of(p));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    if (System.getProperty("user.name").equals("root")) { // only root may give a directory away
      Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
      assertEquals("it belongs to user nobody (rwx------)", OtherWriters.of(p));
    }
  }

  @Test
  void aNonEmptyDirectoryThatIsNotAStoreIsRefusedAndLeftAlone() throws Exception {
    Path p = Files.createDirectory(dir.resolve("data"));
    Files.writeString(p.resolve("thesis.tex"), "precious");
    MemoException e = assertThrows(MemoException.class, () -> store(p));
    assertTrue(e.getMessage().contains("not a memokit store") && e.getMessage().contains("thesis.tex"), e.getMessage());
    try (Stream<Path> files = Files.list(p)) {
      assertEquals(1, files.count(), "nothing was written there");
    }
  }

  private static String marker(int format) {
    String body = "memokit store\nformat=" + format + "\ncreated=2030-01-01T00:00:00Z\n";
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return body + "check=" + Long.toHexString(crc.getValue()) + "\n";
  }

  @Test
  void aStoreOfANewerFormatIsRefused() throws Exception {
    Path p = Files.createDirectory(dir.resolve("future"));
    Files.writeString(p.resolve("memokit.store"), marker(2));
    MemoException e = assertThrows(MemoException.class, () -> store(p));
    assertTrue(e.getMessage().contains("newer memokit (format 2)"), e.getMessage());
  }

  @Test
  void aCorruptedMarkerIsRewrittenAndTheStoreOpens() throws Exception {
    Path p = Files.createDirectory(dir.resolve("damaged"));
    Files.writeString(p.resolve("memokit.store"), marker(1).replace("format=1", "format=9"));
    memo(store(p), "rules.g", (Integer x) -> x).apply(1);
    assertEquals(java.util.Optional.of(1), StoreMarker.parse(Files.readString(p.resolve("memokit.store"))));
  }

  @Test
  void aStoreWhoseMarkerWasLostOpensAndGetsItBack() throws Exception {
    Path p = Files.createDirectory(dir.resolve("lost-marker"));
    for (String d : new String[] {"blocks", "tmp", "hosts", "waits", "uses"}) Files.createDirectory(p.resolve(d));
    Files.write(p.resolve("counters"), new byte[64]);
    assertEquals(2, memo(store(p), "rules.h", (Integer x) -> x * 2).apply(1));
    assertEquals(java.util.Optional.of(1), StoreMarker.parse(Files.readString(p.resolve("memokit.store"))));
  }

  @Test
  void aStorePathThatAnotherProcessCreatesMeanwhileIsNeverTakenForAFile() throws Exception {
    // Eight processes creating one new store at once: one looked at the path before another created it
    // and again just after, and refused the store as "a file, not a directory".
    Path appearing = dir.resolve("appearing");
    AtomicBoolean stop = new AtomicBoolean();
    Thread creator = new Thread(() -> {
      try {
        while (!stop.get()) {
          Files.createDirectory(appearing);
          Files.delete(appearing);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    creator.start();
    try {
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end) StorePath.refuseFileInTheWay(appearing);
    } finally {
      stop.set(true);
      creator.join();
    }
    Files.writeString(appearing, "a file");
    assertThrows(io.memokit.storage.StoreException.class, () -> StorePath.refuseFileInTheWay(appearing));
  }
}
