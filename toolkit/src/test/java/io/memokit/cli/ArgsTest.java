package io.memokit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A command line checked against its command: options with values, an optional last argument, and one-line errors. */
class ArgsTest {

  private static Command command(String name) {
    return Main.COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static String refused(String name, String... words) {
    CliError e = assertThrows(CliError.class, () -> Args.parse(command(name), List.of(words)));
    assertEquals(CliError.USAGE, e.exitStatus());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void optionsTakeTheirValuesAndALastArgumentInBracketsMayBeLeftOut() {
    Args a = Args.parse(command("remove-cells"), List.of("store", "--host", "host-a", "--yes", "--fingerprint", "version 3"));
    assertEquals(1, a.count());
    assertEquals("host-a", a.value("--host"));
    assertEquals("version 3", a.value("--fingerprint"));
    assertNull(a.value("--user"));
    assertTrue(a.has("--yes"));
    Args withBlock = Args.parse(command("remove-cells"), List.of("store", "--user", "alice", "sq(1)"));
    assertEquals("sq(1)", withBlock.get(1));
    assertEquals(2, withBlock.count());
  }

  @Test
  void anUnknownOptionAMissingOrEmptyValueAndARepeatedOptionAreOneLineErrors() {
    assertTrue(refused("cells", "store", "sq", "--hots", "h").startsWith("cells: unknown option --hots (usage: cells "));
    assertTrue(refused("cells", "store", "sq", "--host").startsWith("cells: --host needs a value: --host HOST"));
    assertTrue(refused("cells", "store", "sq", "--user", "--long").startsWith("cells: --user needs a value"));
    assertTrue(refused("cells", "store", "sq", "--host", "").startsWith("cells: --host is empty: give --host HOST"));
    assertTrue(refused("cells", "store", "sq", "--host", "a", "--host", "b").startsWith("cells: --host is given twice"));
    assertTrue(refused("remove-cells").startsWith("remove-cells: missing STORE"));
    assertTrue(refused("remove-cells", "store", "sq", "extra").startsWith("remove-cells: unexpected argument extra"));
  }

  @Test
  void removeCellsWithoutAFilterSaysWhichOptionsPickCells() {
    CliError e = assertThrows(CliError.class, () -> Main.run(new String[] {"remove-cells", "/no/such/store", "--yes"},
        System.out));
    assertEquals(CliError.USAGE, e.exitStatus());
    assertEquals("remove-cells: say which cells to remove: --host HOST, --user USER or --fingerprint CODE (one or more)",
        e.getMessage());
  }
}
