package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

/**
 * Fills a store as {@link CommandLineTest#fill} describes, in a process of its own that then ends:
 * as a notebook that filled a store and was closed before someone manages it from the command
 * line (the blocks a running process uses are kept by the removing commands). Args: STORE
 */
public final class StoreFiller {

  public static void main(String[] args) {
    CommandLineTest.fill(io.memokit.Memo.store(args[0]));
    System.out.println("FILLED");
  }

  /** Fills the store at {@code location} in another JVM, and waits for it to end. */
  static void fillInAnotherProcess(String location) throws Exception {
    try (Jvm filler = Jvm.start(StoreFiller.class, location)) {
      assertEquals(0, filler.exit(Duration.ofSeconds(120)), filler.describe());
    }
  }
}
