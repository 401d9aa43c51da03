package io.memokit.storage.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.WaitBoard;
import io.memokit.storage.WaitBoard.CellRef;
import io.memokit.storage.WaitBoard.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's board of waits: what a file says, and that files of dead processes are not believed. */
class WaitFilesTest {

  @TempDir
  Path dir;

  private static final CellRef X = new CellRef("x(1)", 0x0123456789abcdefL, -1L, 7);
  private static final CellRef Y = new CellRef("g{v%202}(2)", 5, 6, 0);

  @Test
  void anEntryReadsBackAsWrittenAndGoesWithItsWait() throws Exception {
    WaitBoard board = DirectoryBackend.open(dir.resolve("s"), io.memokit.storage.StoreSettings.defaults()).waitBoard();
    Entry e = Entry.ofThisThread(123_456, X, List.of(Y));
    board.publish(e);
    assertEquals(List.of(e), board.entries());
    assertEquals("cell 7 of x(1)", X.describe());
    assertEquals("a cell of g{v 2}(2)", Y.describe());
    board.withdraw(e);
    assertEquals(List.of(), board.entries());
  }

  @Test
  void entriesOfDeadProcessesAreRemovedAndStaleRemoteOnesIgnored() throws Exception {
    DirectoryBackend store = DirectoryBackend.open(dir.resolve("s"), io.memokit.storage.StoreSettings.defaults());
    WaitBoard board = store.waitBoard();
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Entry dead = new Entry(ended.pid(), ProcessIdentity.HOST_HASH, ProcessIdentity.HOST, 1, 1, "main", 1, X, List.of(Y));
    Entry remote = new Entry(77, ProcessIdentity.HOST_HASH ^ 1, "host-b", 1, 1, "main", 1, Y, List.of(X));
    board.publish(dead);
    board.publish(remote);
    Path waits = dir.resolve("s").resolve("waits");
    assertEquals(List.of(remote), board.entries(), "a dead process's entry is not believed");
    assertFalse(Files.exists(waits.resolve(WaitFiles.fileName(dead))), "and its file is removed");
    Files.setLastModifiedTime(waits.resolve(WaitFiles.fileName(remote)),
        FileTime.fromMillis(System.currentTimeMillis() - WaitBoard.REMOTE_FRESH_MILLIS - 1000));
    assertEquals(List.of(), board.entries(), "another host's entry not refreshed lately is not believed");
    Files.writeString(waits.resolve("junk.wait"), "half a file", StandardCharsets.UTF_8);
    assertEquals(List.of(), board.entries(), "a file that is no entry is skipped");
    assertTrue(Files.exists(waits.resolve("junk.wait")));
  }
}
