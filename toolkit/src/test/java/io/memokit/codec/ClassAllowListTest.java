package io.memokit.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InvalidClassException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("both-jdks")
class ClassAllowListTest {

  /** A class standing for any gadget a hostile store could name. */
  static final class Gadget implements Serializable {
    final String payload = "x";
  }

  record Point(int x, int y) implements Serializable {}

  @Test
  void patternsMatchClassesPackagesAndTrees() {
    ClassAllowList a = ClassAllowList.of(List.of("com.acme.Point", "org.example.*", "net.tree.**"));
    assertTrue(a.test(String.class));
    assertTrue(a.test(ArrayList.class));
    assertTrue(a.test(int[].class));
    assertTrue(a.test(String[][].class));
    assertFalse(a.test(Gadget.class));
    assertFalse(a.test(Gadget[].class), "arrays are judged by their element type");
    assertFalse(a.test(java.util.concurrent.ConcurrentHashMap.class), "java.util.* is one package, not a tree");
    assertFalse(a.test(javax.management.ObjectName.class));
  }

  @Test
  void malformedPatternsAreRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassAllowList.of(List.of("com.acme/Evil")));
    assertTrue(e.getMessage().contains("com.acme/Evil") && e.getMessage().contains("package"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(bytes = {Codec.MEMOKIT, Codec.FST, Codec.JAVA})
  void aValueHoldingAClassOutsideTheListIsRefusedAtAnyDepth(byte codecId) throws Exception {
    Codec codec = Codec.shared();
    Object hostile = Map.of("k", List.of(new Gadget()));
    byte[] bytes = encode(codecId, hostile);
    ClassAllowList allowed = ClassAllowList.of(List.of());
    assertThrows(InvalidClassException.class, () -> codec.decode(codecId, bytes, bytes.length, allowed));
    assertEquals(1, ((List<?>) ((Map<?, ?>) codec.decode(codecId, bytes, bytes.length)).get("k")).size(),
        "without a list the same bytes are read");
    ClassAllowList withGadget = ClassAllowList.of(List.of(Gadget.class.getName()));
    codec.decode(codecId, bytes, bytes.length, withGadget);
  }

  @ParameterizedTest
  @ValueSource(bytes = {Codec.MEMOKIT, Codec.FST, Codec.JAVA})
  void allowedRecordsAndPlainValuesAreRead(byte codecId) throws Exception {
    Codec codec = Codec.shared();
    Object value = List.of(new Point(1, 2), Map.of("a", 1L), java.time.LocalDate.of(2026, 11, 24));
    byte[] bytes = encode(codecId, value);
    ClassAllowList allowed = ClassAllowList.of(List.of(ClassAllowListTest.class.getName() + "$Point"));
    assertEquals(value, codec.decode(codecId, bytes, bytes.length, allowed));
  }

  private static byte[] encode(byte codecId, Object value) throws Exception {
    if (codecId != Codec.JAVA) return Codec.shared().encodeWith(codecId, value).copy();
    var out = new java.io.ByteArrayOutputStream();
    try (var oos = new java.io.ObjectOutputStream(out)) {
      oos.writeObject(value);
    }
    return out.toByteArray();
  }
}
