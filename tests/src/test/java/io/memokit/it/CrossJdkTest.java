package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.ValuesWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written under one JDK is read, every value, under the other, in both directions; and
 * under JDK 25 with {@code sun.misc.Unsafe} denied (the announced default of a coming JDK, where
 * FST cannot start), values stored by JDK 17 are still read. The second JDK is
 * {@code -Dmemokit.otherJdk} (default: the Temurin 25 JDK this project's machines have, or their
 * JDK 17 when the tests run on JDK 24 or later).
 */
@Tag("both-jdks")
@Tag("quick")
class CrossJdkTest {

  private static final Path OTHER = Path.of(System.getProperty("memokit.otherJdk",
      Runtime.version().feature() >= 24 ? "/usr/lib/jvm/java-17-openjdk-amd64" : "/usr/lib/jvm/temurin-25-jdk-amd64"));
  private static final Path THIS = Path.of(System.getProperty("java.home"));

  @TempDir
  Path tmp;

  /** The worker's output, and its standard error in {@code errors}. */
  private static List<String> run(Path jdk, List<String> options, Path store, List<String> errors) throws Exception {
    try (Jvm j = Jvm.onJdk(jdk, options, ValuesWorker.class, store)) {
      assertEquals(0, j.exit(Duration.ofSeconds(120)), j.describe());
      assertTrue(j.errors().stream().noneMatch(l -> l.contains("WARNING")), "no warning\n" + j.describe());
      errors.addAll(j.errors());
      return j.lines();
    }
  }

  private static List<String> values(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("VALUE ")).toList();
  }

  private static List<String> events(List<String> lines) {
    return lines.stream().filter(l -> l.contains("Cache<")).map(l -> l.substring(l.indexOf("> ") + 2)
        .replaceAll("\\(\\d+\\).*", "")).toList();
  }

  private void writeThenRead(Path writer, Path reader, List<String> readerOptions) throws Exception {
    assertTrue(Files.isExecutable(OTHER.resolve("bin/java")), "a second JDK is needed at " + OTHER
        + " (set -Dmemokit.otherJdk to another one)");
    Path store = tmp.resolve("store-" + writer.getFileName() + "-" + reader.getFileName() + readerOptions.size());
    List<String> errors = new java.util.ArrayList<>();
    List<String> written = run(writer, List.of(), store, errors);
    assertEquals(List.of("MISS", "MISS", "MISS", "MISS", "MISS", "MISS", "MISS"), events(written),
        String.join("\n", written));
    errors.clear();
    List<String> read = run(reader, readerOptions, store, errors);
    assertEquals(values(written), values(read));
    assertTrue(values(read).get(5).startsWith("VALUE 5 raised failed with 5 code 5 cause inner 5"), values(read).get(5));
    if (readerOptions.contains("--sun-misc-unsafe-memory-access=deny")) {
      // The value only FST wrote cannot be read where FST cannot run: said once, naming the remedy;
      // computed there without storing; every value of memokit's own format is read.
      assertEquals(List.of("HIT", "HIT", "HIT", "HIT", "HIT", "HIT"), events(read), String.join("\n", read));
      assertEquals(1, errors.stream().filter(l -> l.startsWith("memokit: values(1): cannot read its stored values")
          && l.contains("--sun-misc-unsafe-memory-access=allow")).count(), String.join("\n", errors));
    } else {
      assertEquals(List.of("HIT", "HIT", "HIT", "HIT", "HIT", "HIT", "HIT"), events(read), String.join("\n", read));
    }
  }

  @Test
  void writtenUnderThisJdkReadUnderTheOther() throws Exception {
    writeThenRead(THIS, OTHER, List.of());
  }

  @Test
  void writtenUnderTheOtherJdkReadUnderThisOne() throws Exception {
    writeThenRead(OTHER, THIS, List.of());
  }

  @Test
  void readWithUnsafeDeniedWhereFstCannotRun() throws Exception {
    boolean thisIsNew = Runtime.version().feature() >= 24;
    writeThenRead(thisIsNew ? OTHER : THIS, thisIsNew ? THIS : OTHER, List.of("--sun-misc-unsafe-memory-access=deny"));
  }
}
