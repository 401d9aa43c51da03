package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.it.workers.DamageWorker;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * Every file of a directory store damaged at once, between runs (a disk fault, a bad copy, a
 * user's tool): the next process gets the right value of every key at its first call, computing
 * again only what was lost, never an exception of memokit's and never a wrong value; what it
 * computed again is stored, so the process after it computes nothing. The store holds values in
 * its values log, values in files of their own, and stored exceptions.
 */
@Tag("quick")
class StoreDamageTest {

  static final int KEYS = 40;

  @TempDir
  static Path tmp;
  static Path filled;

  /** How every file of the store is damaged. */
  enum Damage {
    CUT_TO_HALF {
      @Override
      void apply(Path file, int index) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
          raf.setLength(raf.length() / 2);
        }
      }
    },
    ZEROED {
      @Override
      void apply(Path file, int index) throws IOException {
        Files.write(file, new byte[(int) Files.size(file)]);
      }
    },
    BYTES_FLIPPED {
      @Override
      void apply(Path file, int index) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int i = index % 13; i < b.length; i += 61) b[i] ^= (byte) (0x5A + i);
        Files.write(file, b);
      }
    },
    HALF_DELETED {
      @Override
      void apply(Path file, int index) throws IOException {
        if (index % 2 == 0) Files.delete(file);
      }
    };

    abstract void apply(Path file, int index) throws IOException;
  }

  @BeforeAll
  static void fill() throws Exception {
    filled = tmp.resolve("filled");
    List<String> lines = run(filled);
    assertEquals("COMPUTED " + KEYS, lines.get(KEYS), "the first run computes every key once");
  }

  /** Runs the worker on {@code store}; checks that every call of both rounds gave the right outcome. */
  private static List<String> run(Path store) throws Exception {
    try (Jvm j = Jvm.start(DamageWorker.class, store, KEYS)) {
      assertEquals(0, j.exit(Duration.ofSeconds(120)), j.describe());
      List<String> lines = j.lines();
      assertEquals(2 * (KEYS + 1), lines.size(), j.describe());
      for (int round = 0; round < 2; round++) {
        for (int k = 0; k < KEYS; k++) {
          assertEquals("OK " + k, lines.get(round * (KEYS + 1) + k), "round " + (round + 1) + "\n" + j.describe());
        }
      }
      return lines;
    }
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void everyFileDamagedAtOnceIsRepairedAtTheFirstCall(Damage damage) throws Exception {
    Path store = tmp.resolve(damage.name());
    FileUtils.copyDirectory(filled.toFile(), store.toFile());
    List<Path> files;
    try (Stream<Path> all = Files.walk(store)) {
      files = all.filter(Files::isRegularFile).sorted().toList();
    }
    assertTrue(files.stream().anyMatch(p -> p.getParent().getFileName().toString().equals("cells")), "own-file values: " + files);
    assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().startsWith("values.")), "a values log: " + files);
    for (int i = 0; i < files.size(); i++) damage.apply(files.get(i), i);

    List<String> repaired = run(store);
    int recomputed = Integer.parseInt(repaired.get(KEYS).substring("COMPUTED ".length()));
    assertTrue(recomputed > 0 && recomputed <= KEYS, "computed again only what was lost: " + recomputed);
    assertEquals(repaired.get(KEYS), repaired.get(2 * KEYS + 1), "the second round hits every key");

    List<String> after = run(store);
    assertEquals("COMPUTED 0", after.get(KEYS), "what was computed again was stored");
  }

}
