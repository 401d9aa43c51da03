package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

/**
 * Fills a store as {@link CommandLineTest#fill} describes (or with {@code colleague}, adds a
 * colleague's cells, {@link CommandLineTest#fillAsColleague}), in a process of its own that then
 * ends: as a notebook that filled a store and was closed before someone manages it from the command
 * line (the blocks a running process uses are kept by the removing commands). Args: STORE [colleague]
 */
public final class StoreFiller {

  public static void main(String[] args) {
    var store = io.memokit.Memo.store(args[0]);
    if (args.length > 1 && args[1].equals("colleague")) CommandLineTest.fillAsColleague(store);
    else CommandLineTest.fill(store);
    System.out.println("FILLED");
  }

  /** Fills the store at {@code location} in another JVM, and waits for it to end. */
  static void fillInAnotherProcess(String location) throws Exception {
    try (Jvm filler = Jvm.start(StoreFiller.class, location)) {
      assertEquals(0, filler.exit(Duration.ofSeconds(120)), filler.describe());
    }
  }

  /** Adds a colleague's cells to the store at {@code location} in another JVM started with {@code jvmOptions}. */
  static void addColleaguesCellsInAnotherProcess(String location, List<String> jvmOptions) throws Exception {
    try (Jvm colleague = Jvm.start(jvmOptions, StoreFiller.class, location, "colleague")) {
      assertEquals(0, colleague.exit(Duration.ofSeconds(120)), colleague.describe());
    }
  }
}
