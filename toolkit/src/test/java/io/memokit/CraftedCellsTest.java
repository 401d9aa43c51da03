package io.memokit;

import static io.memokit.Memo.memo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.codec.Codec;
import io.memokit.codec.CraftedValues;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cells a hostile writer crafted, in a store others can write (a PostgreSQL store; a group-writable
 * directory): a reader keeping the default leaves no mark of their code, allocates nothing beyond
 * their stored size, overflows no stack; it says so once, in one line, computes the value here,
 * and leaves every stored cell as it was. Trusting the writers, or allowing the class, reads them.
 */
class CraftedCellsTest extends OnEachStoreKind {

  @BeforeEach
  void sharedWithAGroup() throws Exception {
    CraftedValues.MARKS.set(0);
    if (kind == StoreKind.DIRECTORY) { // as its owner would share it: chmod g+w, then open it
      String location = s.location();
      s.close();
      Files.setPosixFilePermissions(Path.of(location), PosixFilePermissions.fromString("rwxrwx---"));
      s = OpenStore.open(location, StoreSettings.defaults());
    }
  }

  private record Crafted(String what, byte codec, byte[] bytes) {}

  private static List<Crafted> crafted() throws Exception {
    return List.of(
        new Crafted("a Java-serialized object whose readObject runs", Codec.JAVA,
            CraftedValues.encoded(Codec.JAVA, new CraftedValues.Marking())),
        new Crafted("an FST payload of that class", Codec.FST, CraftedValues.encoded(Codec.FST, new CraftedValues.Marking())),
        new Crafted("memokit's format naming a class outside the default", Codec.MEMOKIT,
            CraftedValues.encoded(Codec.MEMOKIT, List.of(new CraftedValues.Plain()))),
        new Crafted("memokit's format embedding that readObject", Codec.MEMOKIT,
            CraftedValues.encoded(Codec.MEMOKIT, new CraftedValues.Marking())),
        new Crafted("a valid class name with a huge length", Codec.MEMOKIT, CraftedValues.hugeArray()),
        new Crafted("a huge list", Codec.MEMOKIT, CraftedValues.hugeList()),
        new Crafted("nesting a million deep", Codec.MEMOKIT, CraftedValues.nested(1_000_000)));
  }

  /** Writes {@code bytes} as the stored value of {@code f(x)}, as a writer of the store could. */
  private static void plant(MemoizedFn f, int x, byte codec, byte[] bytes) throws Exception {
    MemoizedFn.StoredAt at = f.storedAt(x);
    try (Claim claim = at.block().tryClaim(at.key())) {
      claim.start();
      claim.complete(new Payload(codec, Arrays.copyOf(bytes, bytes.length), bytes.length, false, false),
          new Claim.Timing(System.currentTimeMillis(), 1, 1), "");
    }
  }

  private static byte[] storedBytes(MemoizedFn f, int x) {
    MemoizedFn.StoredAt at = f.storedAt(x);
    var payload = at.block().read(at.key()).payload();
    return Arrays.copyOf(payload.bytes(), payload.length());
  }

  @Test
  void eachCraftedCellIsRefusedOnceInWordsComputedHereAndLeftAsItWas() throws Exception {
    int n = 0;
    for (Crafted c : crafted()) {
      AtomicInteger computed = new AtomicInteger();
      var f = memo(s, "crafted" + n++, (Integer x) -> x * 10 + computed.incrementAndGet());
      assertEquals(11, f.apply(1), c.what());
      plant((MemoizedFn) f, 2, c.codec(), c.bytes());
      String[] got = new String[2];
      String said = Stderr.of(() -> {
        got[0] = String.valueOf(f.apply(2));
        got[1] = String.valueOf(f.apply(2));
      });
      assertEquals(List.of("22", "23"), List.of(got), c.what() + ": computed here at each call, not stored");
      assertEquals(0, CraftedValues.MARKS.get(), c.what() + ": none of its code ran");
      List<String> lines = said.lines().filter(l -> l.startsWith("memokit:")).toList();
      assertEquals(1, lines.size(), c.what() + ": one line, once: " + said);
      assertTrue(lines.get(0).contains("crafted") && (lines.get(0).contains("not read") || lines.get(0).contains(
          "corrupted")), c.what() + ": " + lines.get(0));
      assertArrayEquals(c.bytes(), storedBytes((MemoizedFn) f, 2), c.what() + ": the stored cell is left as it was");
      assertEquals(11, f.apply(1), c.what() + ": the function's other cell still hits");
      assertEquals(2, f.info().size(), c.what());
    }
  }

  @Test
  void theRefusalSaysWhoCanWriteTheStoreAndTheTwoWaysToReadSuchValues() throws Exception {
    var f = memo(s, "crafted.words", (Integer x) -> x);
    f.apply(1);
    plant((MemoizedFn) f, 2, Codec.JAVA, CraftedValues.encoded(Codec.JAVA, new CraftedValues.Marking()));
    String said = Stderr.of(() -> f.apply(2));
    assertTrue(said.contains(kind == StoreKind.POSTGRES ? "other roles of the database can write it"
        : "members of group "), said);
    assertTrue(said.contains("Java serialization") && said.contains("allowOnlyClasses") && said.contains("trustWriters"),
        said);
  }

  @Test
  void trustingTheWritersOrAllowingTheClassReadsTheCell() throws Exception {
    var f = memo(s, "crafted.trusted", (Integer x) -> (Object) Integer.valueOf(-x));
    f.apply(1);
    plant((MemoizedFn) f, 2, Codec.JAVA, CraftedValues.encoded(Codec.JAVA, new CraftedValues.Marking()));
    var g = memo(s, "crafted.allowed", (Integer x) -> (Object) Integer.valueOf(-x));
    g.apply(1);
    plant((MemoizedFn) g, 2, Codec.MEMOKIT, CraftedValues.encoded(Codec.MEMOKIT, new CraftedValues.Plain()));
    assertEquals(-2, f.apply(2), "refused by default");
    s.allowOnlyClasses(CraftedValues.Plain.class.getName());
    assertTrue(g.apply(2) instanceof CraftedValues.Plain, "an allowed class is read");
    assertEquals(1, CraftedValues.MARKS.get());
    s.trustWriters();
    assertEquals(-2, f.apply(2), "an allow-list still applies");
    s.allowOnlyClasses(CraftedValues.Marking.class.getName());
    assertTrue(f.apply(2) instanceof CraftedValues.Marking, "read once the class is allowed");
    assertEquals(2, CraftedValues.MARKS.get(), "the test can fail: reading it runs its code");
  }
}
