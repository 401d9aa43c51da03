package io.memokit.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a reader of a store others can write decodes by default ({@link ReadPolicy#safeDefault}),
 * what an allow-list and trusted writers change, and the bounds every reader keeps whoever wrote
 * the bytes: no allocation beyond the stored size, no stack overflow.
 */
@Tag("both-jdks")
class ReadPolicyTest {

  private static final ReadPolicy SAFE = ReadPolicy.safeDefault("members of group team can write it");
  private final Codec codec = Codec.shared();

  enum Color { RED, GREEN }

  record Point(int x, int y, Color color) implements Serializable {}

  record Node(int value, Node next) implements Serializable {}

  @BeforeEach
  void noMarks() {
    CraftedValues.MARKS.set(0);
  }

  @Test
  void theDefaultReadsJdkValuesRecordsEnumsAndArraysOfThose() throws Exception {
    Map<String, Object> value = Map.of("points", List.of(new Point(1, 2, Color.GREEN)), "when", java.time.LocalDate.of(2026, 12, 6),
        "grid", new Point[] {new Point(3, 4, Color.RED)}, "n", new java.math.BigDecimal("1.5"),
        "opt", Optional.of(new ArrayList<>(List.of(1L, 2L))));
    byte[] b = CraftedValues.encoded(Codec.MEMOKIT, value);
    Map<?, ?> read = (Map<?, ?>) codec.decode(Codec.MEMOKIT, b, b.length, SAFE);
    assertEquals(value.keySet(), read.keySet());
    assertEquals(new Point(3, 4, Color.RED), ((Point[]) read.get("grid"))[0]);
    assertEquals(value.get("points"), read.get("points"));
  }

  @ParameterizedTest
  @ValueSource(bytes = {Codec.FST, Codec.JAVA})
  void theDefaultRefusesSerializationFormatsBeforeReadingAByte(byte format) throws Exception {
    byte[] b = CraftedValues.encoded(format, new CraftedValues.Marking());
    ReadPolicy.Refused e = assertThrows(ReadPolicy.Refused.class, () -> codec.decode(format, b, b.length, SAFE));
    assertTrue(e.why().contains(format == Codec.FST ? "FST" : "Java serialization") && e.why().contains("group team")
        && e.why().contains("trustWriters") && e.why().contains("allowOnlyClasses"), e.why());
    assertEquals(0, CraftedValues.MARKS.get(), "its readObject never ran");
    codec.decode(format, b, b.length, ReadPolicy.anyClass());
    assertEquals(1, CraftedValues.MARKS.get(), "a reader that trusts the writers runs it: the test can fail");
  }

  @Test
  void theDefaultRefusesAClassOutsideItInMemokitsFormatAtAnyDepth() throws Exception {
    for (Object hostile : List.<Object>of(new CraftedValues.Plain(), List.of(Map.of("k", new CraftedValues.Plain())),
        new CraftedValues.Marking(), new Object[] {Optional.of(new CraftedValues.Marking())})) {
      byte[] b = CraftedValues.encoded(Codec.MEMOKIT, hostile);
      ReadPolicy.Refused e = assertThrows(ReadPolicy.Refused.class, () -> codec.decode(Codec.MEMOKIT, b, b.length, SAFE));
      assertTrue(e.why().contains("it holds a " + CraftedValues.class.getName() + "$"), e.why());
      assertTrue(e.why().contains("store.allowOnlyClasses(\"" + CraftedValues.class.getName() + "$"), e.why());
    }
    assertEquals(0, CraftedValues.MARKS.get(), "no readObject or readResolve of theirs ran");
  }

  @Test
  void anAllowListAddsItsClassesAndTheSerializationFormats() throws Exception {
    ReadPolicy list = ReadPolicy.allowing(ClassAllowList.of(List.of(CraftedValues.class.getName() + "$Marking")));
    for (byte format : new byte[] {Codec.MEMOKIT, Codec.FST, Codec.JAVA}) {
      byte[] b = CraftedValues.encoded(format, List.of(new CraftedValues.Marking(), new Point(1, 2, Color.RED)));
      assertEquals(2, ((List<?>) codec.decode(format, b, b.length, list)).size());
      byte[] plain = CraftedValues.encoded(format, new CraftedValues.Plain());
      assertThrows(ReadPolicy.Refused.class, () -> codec.decode(format, plain, plain.length, list));
    }
  }

  @Test
  void lengthsBeyondTheStoredBytesAreRefusedWithoutAllocating() throws Exception {
    for (byte[] b : List.of(CraftedValues.hugeArray(), CraftedValues.hugeString(), CraftedValues.hugeList(),
        CraftedValues.hugeLongs())) {
      IOException e = assertThrows(IOException.class, () -> codec.decode(Codec.MEMOKIT, b, b.length, SAFE));
      assertTrue(e.getMessage().contains("corrupted") && e.getMessage().contains("2147483647"), e.getMessage());
    }
    byte[] java = CraftedValues.javaHugeArray();
    IOException e = assertThrows(IOException.class, () -> codec.decode(Codec.JAVA, java, java.length,
        ReadPolicy.anyClass()));
    assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
  }

  @Test
  void nestingBeyondTheLimitIsRefusedWithoutOverflowingTheStack() throws Exception {
    byte[] deep = CraftedValues.nested(200_000);
    IOException e = assertThrows(IOException.class, () -> codec.decode(Codec.MEMOKIT, deep, deep.length, SAFE));
    assertTrue(e.getMessage().contains("nested deeper than " + CraftedValues.maxDepth()), e.getMessage());
    byte[] atTheLimit = CraftedValues.nested(CraftedValues.maxDepth() - 1);
    Object v = codec.decode(Codec.MEMOKIT, atTheLimit, atTheLimit.length, SAFE);
    assertInstanceOf(Optional.class, v);
  }

  @Test
  void aValueDeeperThanTheFormatHoldsIsWrittenByAnotherCodecNotTruncated() throws Exception {
    Node list = null;
    for (int i = 0; i < CraftedValues.maxDepth() + 10; i++) list = new Node(i, list);
    Node atTheLimit = list;
    for (int i = 0; i < 11; i++) atTheLimit = atTheLimit.next();
    Node[] limit = {atTheLimit};
    Codec.Encoded[] written = new Codec.Encoded[1];
    Thread t = new Thread(null, () -> {
      try {
        written[0] = codec.encode(limit[0]);
      } catch (Exception x) {
        throw new AssertionError(x);
      }
    }, "default stack", 1024 * 1024);
    t.start();
    t.join();
    assertEquals(Codec.MEMOKIT, written[0].codec(), "a value at the limit is written in memokit's format, on a default "
        + "thread stack");
    Codec.Encoded e = codec.encode(list);
    assertTrue(e.codec() != Codec.MEMOKIT, "memokit's format refuses it");
    int length = 0;
    for (Node n = (Node) codec.decode(e.codec(), e.copy(), e.length()); n != null; n = n.next()) length++;
    assertEquals(CraftedValues.maxDepth() + 10, length, "read back whole (records' equals would overflow the stack)");
    Node shallow = new Node(1, new Node(2, null));
    assertEquals(Codec.MEMOKIT, codec.encode(shallow).codec());
  }

  /**
   * The limit fits the JVM's default thread stack (1 MiB on x64), with room for the caller's frames:
   * a value at the limit is read, and one far beyond it is refused, on such a thread.
   */
  @Test
  void aValueAtTheLimitIsReadAndOneBeyondItRefusedOnADefaultThreadStack() throws Exception {
    byte[] atTheLimit = CraftedValues.nested(CraftedValues.maxDepth() - 1);
    byte[] beyond = CraftedValues.nested(1_000_000);
    Object[] outcome = new Object[2];
    Thread t = new Thread(null, () -> {
      try {
        outcome[0] = codec.decode(Codec.MEMOKIT, atTheLimit, atTheLimit.length, SAFE);
        codec.decode(Codec.MEMOKIT, beyond, beyond.length, SAFE);
      } catch (Throwable x) {
        outcome[1] = x;
      }
    }, "default stack", 1024 * 1024);
    t.start();
    t.join();
    assertInstanceOf(Optional.class, outcome[0]);
    assertInstanceOf(IOException.class, outcome[1], "refused, not a StackOverflowError");
  }

  static final class NotRecord implements Serializable {}
}
