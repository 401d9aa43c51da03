package io.memokit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo;
import io.memokit.MemoStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command's STORE read as the library reads a path: ~ is the user's home; a file in the way is said in words. */
class StoresTest {

  @TempDir
  Path dir;

  @Test
  void aLeadingTildeIsTheUsersHomeAndTildeUserIsAWrongCommandLine() throws Exception {
    Path home = Files.createDirectory(dir.resolve("home"));
    Memo.store(home.resolve("cache")).close();
    String was = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    try (MemoStore s = Stores.existing("~/cache")) {
      assertEquals(home.resolve("cache").toRealPath().toString(), s.location());
      CliError other = assertThrows(CliError.class, () -> Stores.existing("~bob/cache"));
      assertEquals(CliError.USAGE, other.exitStatus());
      assertTrue(other.getMessage().contains("not ~bob"), other.getMessage());
      CliError missing = assertThrows(CliError.class, () -> Stores.existing("~/nothing"));
      assertEquals("no store at " + home.resolve("nothing") + ": there is no such directory", missing.getMessage());
      assertFalse(Files.exists(home.resolve("nothing")));
    } finally {
      System.setProperty("user.home", was);
    }
  }

  @Test
  void aPathThatIsAFileOrLiesUnderOneIsSaidSoAndNothingIsMade() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "precious");
    RuntimeException self = assertThrows(RuntimeException.class, () -> Stores.existing(file.toString()));
    assertEquals("store path is a file, not a directory: " + file, self.getMessage());
    RuntimeException under = assertThrows(RuntimeException.class, () -> Stores.existing(file + "/cache"));
    assertEquals("store path " + file.resolve("cache") + ": its parent is a file, not a directory: " + file,
        under.getMessage());
    assertEquals("precious", Files.readString(file));
  }
}
