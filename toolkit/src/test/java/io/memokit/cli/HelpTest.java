package io.memokit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overview and every command's own help: how each is asked for, what it holds, and its width. */
class HelpTest {

  private static String printed(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8)), String.join(" ", args));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyCommandHasItsOwnHelpWithItsUsageOptionsAndAnExample() throws Exception {
    for (Command c : Main.COMMANDS) {
      String help = printed(c.name(), "--help");
      // A long usage goes on in lines of its own, indented: read as one line, it is the synopsis.
      assertTrue(help.replaceAll("\n {29}\\[", " [").startsWith("usage: java -jar memokit.jar " + c.synopsis() + "\n"),
          help);
      for (Command.Option o : c.options()) {
        assertTrue(help.contains("\n  " + o.usage() + " ") || help.contains("\n  " + o.usage() + "\n"), o.name() + "\n" + help);
      }
      for (String p : c.params()) assertTrue(help.contains("\n  " + Command.bare(p) + " "), p + "\n" + help);
      assertTrue(help.contains("\n  --help, -h "), help);
      assertTrue(help.contains("example:\n  " + c.example() + "\n"), help);
      assertEquals(help, printed(c.name(), "-h"));
      assertEquals(help, printed("help", c.name()));
    }
    assertEquals(printed("cells", "--help"), printed("cells", "some-store", "-h"), "-h after arguments");
  }

  @Test
  void theOverviewListsTheCommandsAndSaysHowToAskForOne() throws Exception {
    String overview = printed("--help");
    assertEquals(overview, printed());
    assertEquals(overview, printed("-h"));
    assertEquals(overview, printed("help"));
    for (Command c : Main.COMMANDS) {
      assertTrue(overview.contains("\n  " + c.synopsis() + " ") || overview.contains("\n  " + c.synopsis() + "\n"),
          c.name() + "\n" + overview);
    }
    assertTrue(overview.contains("COMMAND --help"), overview);
  }

  @Test
  void theHelpSaysToQuoteBlockNamesAndStatesTheSizeAndTildeRules() throws Exception {
    String overview = printed("--help").replaceAll("\\s+", " ");
    assertTrue(overview.contains("Quote a name holding ( in a shell: 'sq(1)'"), overview);
    assertTrue(overview.contains(Units.RULE), overview);
    assertTrue(overview.contains("a leading ~ is your home, ~user is refused"), overview);
    String limit = printed("limit", "--help").replaceAll("\\s+", " ");
    assertTrue(limit.contains(Units.RULE), limit);
  }

  @Test
  void noHelpLineIsWiderThan100Columns() throws Exception {
    List<String> texts = new ArrayList<>(List.of(printed("--help")));
    for (Command c : Main.COMMANDS) texts.add(printed(c.name(), "--help"));
    for (String text : texts) {
      for (String line : text.split("\n")) {
        assertTrue(line.codePointCount(0, line.length()) <= Help.WIDTH, line.length() + " columns: " + line);
        assertEquals(line.stripTrailing(), line, "no trailing spaces");
      }
    }
  }
}
