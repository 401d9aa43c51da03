package io.memokit.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Round trips through memokit's own value format, its refusals and its corruption checks. */
@Tag("both-jdks")
class ValueCodecTest {

  record Point(int x, int y) {}

  record Line(Point a, Point b, List<Point> via, Map<String, Point> named) {}

  enum Colour { RED, GREEN }

  /** A class of the user's own: no no-arg constructor, private and final fields, a cycle through itself. */
  static final class Node {
    private final String name;
    private Node next;
    private transient int cached = 7;

    Node(String name) {
      this.name = name;
    }
  }

  /** An exception with no (String) constructor and a field of its own. */
  static final class CodedException extends Exception {
    private final int code;

    CodedException(String what, int code, Throwable cause) {
      super(what + " (" + code + ")", cause);
      this.code = code;
    }
  }

  static final class Bare extends RuntimeException {}

  private static Object roundTrip(Object v) throws Exception {
    byte[] b = ValueWriter.write(v);
    return ValueReader.read(b, b.length, name -> Class.forName(name, false, ValueCodecTest.class.getClassLoader()),
        null);
  }

  @Test
  void scalarsStringsAndNumbersRoundTripWithTheirTypes() throws Exception {
    List<Object> values = Arrays.asList(null, true, false, (byte) -3, (short) 12, 42, -7L, 1.5f, Double.NaN, -0.0, 'é',
        "", "héllo wörld ✓", "\ud800 lone surrogate", "pair \ud83d\ude00", new BigInteger("-123456789012345678901234567890"),
        new BigDecimal("1.00"), Colour.GREEN, TimeUnit.SECONDS, Optional.empty(), Optional.of("x"));
    for (Object v : values) {
      Object back = roundTrip(v);
      assertEquals(v, back, String.valueOf(v));
      if (v != null) assertSame(v.getClass(), back.getClass());
    }
  }

  @Test
  void timeValuesRoundTripExactly() throws Exception {
    for (Object v : List.of(LocalDate.of(2026, 11, 25), LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6), Instant.ofEpochSecond(1, 2),
        Duration.ofNanos(123456789), Period.of(1, 2, 3), ZoneOffset.ofHours(-5), ZoneId.of("Europe/Paris"),
        OffsetDateTime.of(2026, 3, 29, 2, 30, 0, 0, ZoneOffset.UTC), ZonedDateTime.of(2026, 10, 25, 2, 30, 0, 0,
            ZoneId.of("Europe/Paris")).withLaterOffsetAtOverlap())) {
      assertEquals(v, roundTrip(v), v.toString());
    }
  }

  @Test
  void recordsNestAtAnyDepth() throws Exception {
    Point p = new Point(1, 2);
    Line l = new Line(p, new Point(3, 4), List.of(p, new Point(5, 6)), new TreeMap<>(Map.of("origin", p)));
    assertEquals(l, roundTrip(l));
    assertEquals(List.of(l, Map.of(Colour.RED, l)), roundTrip(List.of(l, Map.of(Colour.RED, l))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void collectionsComeBackAsTheirKind() throws Exception {
    List<Map.Entry<Object, Class<?>>> kinds = new ArrayList<>(); // equal collections of other kinds: not a map's keys
    kinds.add(Map.entry(new ArrayList<>(List.of(1, 2)), ArrayList.class));
    kinds.add(Map.entry(new LinkedList<>(List.of(1, 2)), LinkedList.class));
    kinds.add(Map.entry(new HashSet<>(Set.of("a", "b")), HashSet.class));
    kinds.add(Map.entry(new LinkedHashSet<>(List.of("b", "a")), LinkedHashSet.class));
    kinds.add(Map.entry(new TreeSet<>(List.of("b", "a")), TreeSet.class));
    kinds.add(Map.entry(new HashMap<>(Map.of("a", 1)), HashMap.class));
    kinds.add(Map.entry(new LinkedHashMap<>(Map.of("a", 1)), LinkedHashMap.class));
    kinds.add(Map.entry(new TreeMap<>(Map.of("b", 2, "a", 1)), TreeMap.class));
    kinds.add(Map.entry(new ConcurrentHashMap<>(Map.of("a", 1)), ConcurrentHashMap.class));
    kinds.add(Map.entry(EnumSet.of(Colour.RED), EnumSet.of(Colour.RED).getClass()));
    kinds.add(Map.entry(new EnumMap<>(Map.of(Colour.GREEN, "g")), EnumMap.class));
    for (Map.Entry<Object, Class<?>> e : kinds) {
      Object back = roundTrip(e.getKey());
      assertEquals(e.getKey(), back);
      assertSame(e.getValue(), back.getClass(), e.getKey().toString());
    }
    for (Object immutable : List.of(List.of(1, 2, 3), Set.of("a", "b"), Map.of("k", 1, "l", 2))) {
      assertTrue(roundTrip(immutable).getClass().getName().startsWith("java.util.ImmutableCollections$"),
          "List.of, Set.of and Map.of come back as such: " + immutable);
    }
    Object deque = roundTrip(new java.util.ArrayDeque<>(List.of(1, 2)));
    assertSame(java.util.ArrayDeque.class, deque.getClass());
    assertEquals(List.of(1, 2), new ArrayList<>((java.util.ArrayDeque<?>) deque));
    TreeSet<String> reversed = new TreeSet<>(Collections.reverseOrder());
    reversed.addAll(List.of("a", "c", "b"));
    assertEquals(List.of("c", "b", "a"), new ArrayList<>((TreeSet<?>) roundTrip(reversed)));
    for (Object unmodifiable : List.of(List.of(1, 2), Set.of(1), Map.of("k", "v"), Collections.emptyList(),
        Collections.unmodifiableList(new ArrayList<>(Arrays.asList(1, null))), Collections.singletonList("s"))) {
      Object back = roundTrip(unmodifiable);
      assertEquals(unmodifiable, back);
      assertThrows(UnsupportedOperationException.class, () -> {
        if (back instanceof Map<?, ?> m) ((Map<Object, Object>) m).put("new", "entry");
        else ((java.util.Collection<Object>) back).add("new");
      }, "still unmodifiable: " + unmodifiable);
    }
  }

  /**
   * The JDK's other collections and value types are memokit's format too (not FST's), so that a
   * value holding one hits as fast as one holding {@code List.of} or an {@code ArrayList}: each
   * comes back equal, of its class, as changeable or unchangeable as it was, and is shared between
   * hits only if nobody can change it.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theJdksOtherCollectionsAndValueTypesAreWrittenByTheFormatItself() throws Exception {
    java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>(List.of(3, 1, 2));
    java.util.BitSet bits = new java.util.BitSet();
    bits.set(3);
    bits.set(700);
    IdentityHashMap<String, Integer> identity = new IdentityHashMap<>(Map.of("a", 1));
    // A list of pairs, not a map: equal collections of different kinds (an empty Stack, nCopies(0, x)) are one map key.
    List<Map.Entry<Object, Boolean>> valuesAndWhetherShared = new ArrayList<>();
    valuesAndWhetherShared.add(Map.entry(Collections.nCopies(10, "x"), true));
    valuesAndWhetherShared.add(Map.entry(Collections.nCopies(0, "x"), true));
    valuesAndWhetherShared.add(Map.entry(Collections.unmodifiableCollection(new ArrayList<>(List.of(1, 2))), true));
    valuesAndWhetherShared.add(Map.entry(Collections.unmodifiableSortedSet(new TreeSet<>(List.of("b", "a"))), true));
    valuesAndWhetherShared.add(Map.entry(Collections.unmodifiableNavigableSet(new TreeSet<>(List.of("b", "a"))), true));
    valuesAndWhetherShared.add(Map.entry(Collections.unmodifiableSortedMap(new TreeMap<>(Map.of("b", 2))), true));
    valuesAndWhetherShared.add(Map.entry(Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of("b", 2, "a", 1))), true));
    valuesAndWhetherShared.add(Map.entry(new java.util.Vector<>(List.of(1, 2)), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.Stack<>(), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.concurrent.ConcurrentLinkedQueue<>(List.of(1, 2)), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.concurrent.ConcurrentLinkedDeque<>(List.of(1, 2)), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.concurrent.CopyOnWriteArraySet<>(List.of(1, 2)), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.concurrent.ConcurrentSkipListSet<>(List.of(2, 1)), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.concurrent.ConcurrentSkipListMap<>(Map.of(2, "b", 1, "a")), false));
    valuesAndWhetherShared.add(Map.entry(new java.util.Hashtable<>(Map.of("a", 1)), false));
    valuesAndWhetherShared.add(Map.entry(bits, false));
    valuesAndWhetherShared.add(Map.entry(java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), true));
    valuesAndWhetherShared.add(Map.entry(java.util.OptionalInt.of(7), true));
    valuesAndWhetherShared.add(Map.entry(java.util.OptionalLong.empty(), true));
    valuesAndWhetherShared.add(Map.entry(java.util.OptionalDouble.of(0.5), true));
    valuesAndWhetherShared.add(Map.entry(java.net.URI.create("https://example.org/a?b=c#d"), true));
    valuesAndWhetherShared.add(Map.entry(Map.entry("k", 1), true));
    valuesAndWhetherShared.add(Map.entry(new java.util.AbstractMap.SimpleImmutableEntry<>("k", 1), true));
    valuesAndWhetherShared.add(Map.entry(new java.util.AbstractMap.SimpleEntry<>("k", 1), false));
    for (Map.Entry<Object, Boolean> e : valuesAndWhetherShared) {
      Object v = e.getKey();
      ValueWriter.Written w = ValueWriter.encode(v);
      assertEquals(!e.getValue(), w.mutable(), "shared between hits only if unchangeable: " + v.getClass().getName());
      Object back = roundTrip(v);
      assertSame(v.getClass(), back.getClass(), v.getClass().getName());
      if (v instanceof java.util.Collection<?> c && !(v instanceof List) && !(v instanceof Set)) {
        assertEquals(new ArrayList<>(c), new ArrayList<>((java.util.Collection<?>) back), v.getClass().getName());
      } else {
        assertEquals(v, back, v.getClass().getName());
      }
    }
    assertEquals(List.of(1, 2, 3), List.of(((java.util.PriorityQueue<Integer>) roundTrip(queue)).poll(), 2, 3));
    assertEquals(identity.get("a"), ((IdentityHashMap<String, Integer>) roundTrip(identity)).values().iterator().next());
    assertThrows(UnsupportedOperationException.class,
        () -> ((java.util.Collection<Object>) roundTrip(Collections.nCopies(2, "x"))).add("y"));
    assertThrows(UnsupportedOperationException.class,
        () -> ((java.util.SortedSet<Object>) roundTrip(Collections.unmodifiableSortedSet(new TreeSet<>(List.of(1))))).add(2));
  }

  @Test
  void arraysOfEveryKind() throws Exception {
    assertArrayEquals(new int[] {1, -2, 3}, (int[]) roundTrip(new int[] {1, -2, 3}));
    assertArrayEquals(new long[] {1L << 40}, (long[]) roundTrip(new long[] {1L << 40}));
    assertArrayEquals(new double[] {0.5, Double.MAX_VALUE}, (double[]) roundTrip(new double[] {0.5, Double.MAX_VALUE}));
    assertArrayEquals(new float[] {0.25f}, (float[]) roundTrip(new float[] {0.25f}));
    assertArrayEquals(new short[] {-1, 2}, (short[]) roundTrip(new short[] {-1, 2}));
    assertArrayEquals(new char[] {'a', '\ud800'}, (char[]) roundTrip(new char[] {'a', '\ud800'}));
    assertArrayEquals(new byte[] {9, 8}, (byte[]) roundTrip(new byte[] {9, 8}));
    assertArrayEquals(new boolean[] {true, false}, (boolean[]) roundTrip(new boolean[] {true, false}));
    Object[] nested = (Object[]) roundTrip(new Point[][] {{new Point(1, 1)}, {}});
    assertSame(Point[][].class, nested.getClass());
    assertEquals(new Point(1, 1), ((Point[]) nested[0])[0]);
    byte[] big = new byte[16 << 20];
    big[big.length - 1] = 5;
    assertArrayEquals(big, (byte[]) roundTrip(big));
  }

  @Test
  void sharedObjectsStaySharedAndCyclesOfObjectsSurvive() throws Exception {
    List<Integer> shared = new ArrayList<>(List.of(1));
    List<?> back = (List<?>) roundTrip(List.of(shared, shared));
    assertSame(back.get(0), back.get(1));
    Node a = new Node("a");
    Node b = new Node("b");
    a.next = b;
    b.next = a;
    Node a2 = (Node) roundTrip(a);
    assertEquals("a", a2.name);
    assertEquals("b", a2.next.name);
    assertSame(a2, a2.next.next);
    assertEquals(0, a2.cached, "transient fields are not written");
  }

  @Test
  void exceptionsRoundTripWholeWhateverTheirConstructors() throws Exception {
    CodedException e = new CodedException("disk", 28, new IllegalStateException("inner"));
    e.addSuppressed(new Bare());
    CodedException back = (CodedException) roundTrip(e);
    assertEquals(e.getMessage(), back.getMessage());
    assertEquals(28, back.code);
    assertInstanceOf(IllegalStateException.class, back.getCause());
    assertEquals("inner", back.getCause().getMessage());
    assertArrayEquals(e.getStackTrace(), back.getStackTrace());
    assertEquals(1, back.getSuppressed().length);
    assertInstanceOf(Bare.class, back.getSuppressed()[0]);
    Bare bare = (Bare) roundTrip(new Bare());
    assertNull(bare.getCause(), "no cause stays no cause");
    assertNull(bare.getMessage());
    bare.addSuppressed(new RuntimeException("later")); // the suppressed list is a working one
    assertEquals(1, bare.getSuppressed().length);
  }

  /**
   * A record, a list shared twice, an immutable map, an object of a plain class, an array and an
   * Optional, as memokit wrote them before objects could be written by Java serialization: written
   * byte for byte the same, and read back.
   */
  private static final String EARLIER_ENCODING = "4d011201070f000a25696f2e6d656d6f6b69742e636f6465632e56616c7565436f64"
      + "65635465737424506f696e74020a017805010000000a017905020000001201010a01731802140d010a016b060100000000000000170"
      + "00a24696f2e6d656d6f6b69742e636f6465632e56616c7565436f64656354657374244e6f6465020a29696f2e6d656d6f6b69742e636f"
      + "6465632e56616c7565436f64656354657374244e6f64652e6e616d650a01610a29696f2e6d656d6f6b69742e636f6465632e56616c756"
      + "5436f64656354657374244e6f64652e6e65787400240103000000110a016f";

  @Test
  void valuesOfEveryOtherKindAreWrittenAsBeforeAndEarlierValuesRead() throws Exception {
    List<Object> shared = new ArrayList<>(List.of("s"));
    List<Object> value = new ArrayList<>(Arrays.asList(new Point(1, 2), shared, shared, Map.of("k", 1L), new Node("a"),
        new int[] {3}, Optional.of("o")));
    assertEquals(EARLIER_ENCODING, java.util.HexFormat.of().formatHex(ValueWriter.write(value)));
    byte[] earlier = java.util.HexFormat.of().parseHex(EARLIER_ENCODING);
    List<?> back = (List<?>) ValueReader.read(earlier, earlier.length, name -> Class.forName(name, false,
        ValueCodecTest.class.getClassLoader()), null);
    assertEquals(new Point(1, 2), back.get(0));
    assertSame(back.get(1), back.get(2));
    assertEquals("a", ((Node) back.get(4)).name);
    assertArrayEquals(new int[] {3}, (int[]) back.get(5));
  }

  @Test
  void whatTheFormatCannotHoldIsRefusedNamingIt() {
    ValueFormat.Unsupported u = assertThrows(ValueFormat.Unsupported.class, () -> ValueWriter.write(List.of(new Thread())));
    assertTrue(u.getMessage().contains("java.lang.Thread"), u.getMessage());
    assertThrows(ValueFormat.Unsupported.class, () -> ValueWriter.write(Collections.synchronizedList(new ArrayList<>())));
  }

  @Test
  void theJdkObjectsTheWriterHoldsAreTheOnesItSaysItHolds() throws Exception {
    List<Object> held = List.of("s", 1, 2L, 3.0, true, 4f, (short) 5, (byte) 6, 'c', BigInteger.ONE, BigDecimal.TEN,
        TimeUnit.DAYS, Optional.empty(), new StackTraceElement("C", "m", "F", 1), LocalDate.of(2026, 1, 1), new int[0],
        new IllegalStateException("x"), new java.util.ArrayDeque<>(), new ArrayList<>(), List.of(1), Arrays.asList(1),
        Collections.emptyMap(), new TreeSet<>(), EnumSet.of(Colour.RED), new EnumMap<>(Colour.class),
        Collections.unmodifiableSet(new HashSet<>()), new ConcurrentHashMap<>(), new java.util.BitSet(),
        new java.util.Vector<>(), new java.util.PriorityQueue<>(), Collections.nCopies(2, 1), java.util.UUID.randomUUID());
    List<Object> refused = List.of(new java.util.Random(1), new StringBuilder("x"),
        new java.util.concurrent.atomic.AtomicInteger(1),
        new java.util.PriorityQueue<>(java.util.Comparator.comparing(Object::toString)),
        new TreeSet<>(java.util.Comparator.comparing(Object::toString)),
        Collections.synchronizedList(new ArrayList<>()));
    for (Object v : held) {
      assertTrue(ValueWriter.holds(v), v.getClass().getName());
      ValueWriter.write(v);
    }
    for (Object v : refused) {
      assertFalse(ValueWriter.holds(v), v.getClass().getName());
      assertThrows(ValueFormat.Unsupported.class, () -> ValueWriter.write(v), v.getClass().getName());
    }
  }

  record Holder(List<Object> items) {}

  @Test
  void aRecordInsideItselfIsRefusedRatherThanRebuiltWrong() {
    Holder h = new Holder(new ArrayList<>());
    h.items().add(h);
    assertThrows(ValueFormat.Unsupported.class, () -> ValueWriter.write(h));
  }

  @Test
  void aTornOrCorruptedValueIsAnErrorNeverAValue() throws Exception {
    byte[] b = ValueWriter.write(new Line(new Point(1, 2), new Point(3, 4), List.of(), Map.of()));
    for (int cut = 0; cut < b.length; cut++) {
      byte[] torn = Arrays.copyOf(b, cut);
      assertThrows(Exception.class, () -> ValueReader.read(torn, torn.length, Class::forName, null), "cut at " + cut);
    }
    byte[] longer = Arrays.copyOf(b, b.length + 1);
    assertThrows(IOException.class, () -> ValueReader.read(longer, longer.length, Class::forName, null));
  }
}
