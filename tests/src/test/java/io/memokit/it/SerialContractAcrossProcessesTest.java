package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.SerialContractWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects whose class defines its serialized form (readObject, writeObject, readResolve,
 * writeReplace, Externalizable, at depth, and an exception) stored by one JVM in memokit's own
 * format are read back by another as HITs, as their classes define them: the derived fields their
 * readObject restores are there, the singleton is the reader's own.
 */
@Tag("both-jdks")
@Tag("quick")
class SerialContractAcrossProcessesTest {

  @TempDir
  Path tmp;

  private static List<String> run(Path store) throws Exception {
    try (Jvm j = Jvm.start(SerialContractWorker.class, store)) {
      assertEquals(0, j.exit(Duration.ofSeconds(120)), j.describe());
      return j.lines();
    }
  }

  private static List<String> starting(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).toList();
  }

  private static List<String> events(List<String> lines) {
    return lines.stream().filter(l -> l.contains("Cache<")).map(l -> l.substring(l.indexOf("> ") + 2)
        .replaceAll("\\(\\d+\\).*", "")).toList();
  }

  @Test
  void anotherProcessReadsThemAsTheirClassesDefineThem() throws Exception {
    Path store = tmp.resolve("store");
    List<String> written = run(store);
    String shownW = String.join("\n", written);
    assertEquals(Collections.nCopies(8, "MISS"), events(written), shownW);
    assertEquals(Collections.nCopies(8, "memokit"), starting(written, "CODEC ").stream()
        .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList(), "stored in memokit's own format\n" + shownW);

    List<String> read = run(store);
    String shownR = String.join("\n", read);
    assertEquals(Collections.nCopies(8, "HIT"), events(read), shownR);
    assertEquals(List.of(), starting(read, "BODY RAN"), "every value is a hit, none computed again\n" + shownR);
    assertEquals(List.of(
        "VALUE 0 Box(21 doubled 42)",
        "VALUE 1 row [Box(1 doubled 2), Box(2 doubled 4)] {b=Box(3 doubled 6)} [Box(4 doubled 8)]",
        "VALUE 2 Tally t count 1002 items [a, b]",
        "VALUE 3 the Unit twice: true true",
        "VALUE 4 Range 3..9",
        "VALUE 5 Measure 5 kg [net] (made by its no-arg constructor)",
        "VALUE 6 Shelf holding Box(7 doubled 14)",
        "VALUE 7 raised overdrawn 125 shown $1.25"), starting(read, "VALUE "), shownR);
    assertEquals(starting(written, "VALUE ").subList(0, 5), starting(read, "VALUE ").subList(0, 5),
        "read as computed");
    assertTrue(read.stream().noneMatch(l -> l.contains("cannot read")), shownR);
  }
}
