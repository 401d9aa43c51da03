package io.memokit.function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.HijrahDate;
import java.time.chrono.JapaneseChronology;
import java.time.chrono.JapaneseDate;
import java.time.chrono.ThaiBuddhistDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.temporal.ValueRange;
import java.time.temporal.WeekFields;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("both-jdks")
class KeyWriterTest {

  static CellKey key(Object... args) {
    return KeyWriter.key(args);
  }

  record Point(int x, int y) {}

  record Other(int x, int y) {}

  record Holder(String name, List<Object> items) {}

  @Test
  void pathsAndFilesAreKeyedByTheirTextAndStayApartFromStrings() {
    assertEquals(key(java.nio.file.Path.of("data", "a.csv")), key(java.nio.file.Path.of("data/a.csv")));
    assertEquals(key(java.nio.file.Path.of("data//a.csv")), key(java.nio.file.Path.of("data/a.csv")));
    assertNotEquals(key(java.nio.file.Path.of("data/a.csv")), key(java.nio.file.Path.of("data/b.csv")));
    assertNotEquals(key(java.nio.file.Path.of("data/a.csv")), key("data/a.csv"), "a path is not a string");
    assertNotEquals(key(java.nio.file.Path.of("data/a.csv")), key(new java.io.File("data/a.csv")), "nor a file");
    assertEquals(key(new java.io.File("data/a.csv")), key(new java.io.File("data", "a.csv")));
  }

  @Test
  void aProbeEqualsAndHashesAsItsKeyWhateverTheKeysLength() {
    // Short keys (16 encoded bytes or fewer) are looked up by their bytes and hashed only when asked;
    // longer ones by their 128-bit hash; keys too long to keep (streamed) by the hash alone.
    String nine = "x".repeat(9); // with the format, count, tag and length bytes: 16 and 17 encoded bytes
    Object[][] calls = {{}, {1}, {1, "abc"}, {nine}, {nine + "y"}, {"z".repeat(1000)},
        {"w".repeat(KeyWriter.STORED_LIMIT + 10)}, {List.of(1, 2, 3), 4.5}};
    java.util.Set<Integer> lengths = new java.util.TreeSet<>();
    for (Object[] call : calls) {
      CellKey key = KeyWriter.key(call);
      byte[] encoding = key.encoding();
      if (encoding != null) lengths.add(encoding.length);
      try (KeyWriter.Probe probe = KeyWriter.probe(call)) {
        assertEquals(key.hashCode(), probe.hashCode(), java.util.Arrays.toString(call));
        assertTrue(probe.equals(key), java.util.Arrays.toString(call));
        assertEquals(key.hashHi(), probe.hashHi());
        assertEquals(key.hashLo(), probe.hashLo());
        for (Object[] other : calls) {
          if (other != call) assertFalse(probe.equals(KeyWriter.key(other)), java.util.Arrays.toString(other));
        }
        assertEquals(key, probe.toKey());
      }
    }
    assertTrue(lengths.contains(CellKey.INLINE_MAX) && lengths.contains(CellKey.INLINE_MAX + 1), lengths.toString());
    KeyWriter.Probe closed = KeyWriter.probe(new Object[] {1});
    closed.close();
    assertThrows(IllegalStateException.class, closed::toKey, "a closed probe's buffer may hold another key");
  }

  @Test
  void threadsKeyingAtOnceEachWriteInABufferOfTheirOwn() throws Exception {
    // Each thread finds its own writer, through the slot of its thread id or the thread-local one; a
    // writer shared by two threads would mix their keys' bytes. 70 threads: some share a slot (64
    // slots, by consecutive thread ids). Keys of 40 to 80 bytes are read from the writer's buffer
    // when the probe is copied, after a pause that lets the others write.
    int threads = 70;
    int rounds = 3_000;
    Object[][][] calls = new Object[threads][8][];
    CellKey[][] expected = new CellKey[threads][8];
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < 8; i++) {
        calls[t][i] = new Object[] {t, String.valueOf((char) ('a' + t % 26)).repeat(30 + 5 * i), i};
        expected[t][i] = KeyWriter.key(calls[t][i]);
      }
    }
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> running = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int r = 0; r < rounds; r++) {
            int i = r % 8;
            try (KeyWriter.Probe probe = KeyWriter.probe(calls[me][i])) {
              if (r % 16 == 0) Thread.yield();
              if (!probe.toKey().equals(expected[me][i]) || !probe.equals(expected[me][i])) wrong.incrementAndGet();
            }
          }
        } catch (Exception e) {
          wrong.addAndGet(1_000_000);
        }
      });
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) thread.join();
    assertEquals(0, wrong.get(), "keys mixed between threads");
  }

  @Test
  void aKeyComputedWhileAProbeIsOpenLeavesTheProbesKeyAsItWas() {
    try (KeyWriter.Probe probe = KeyWriter.probe(new Object[] {1, "abc"})) {
      CellKey other = KeyWriter.key(new Object[] {2, "def"});
      assertEquals(KeyWriter.key(new Object[] {1, "abc"}), probe.toKey());
      assertNotEquals(other, probe.toKey());
    }
  }

  @Test
  void anIgnoredArgumentAndValuesReadAtCallTimeNeverMeetAnArgumentsKey() {
    ImplicitArgs none = ImplicitArgs.NONE;
    ImplicitArgs ignoreSecond = none.ignoring(List.of(), new boolean[] {false, true});
    CellKey plain = keyReading(none, 1, 2);
    CellKey ignored = keyReading(ignoreSecond, 1, 2);
    assertEquals(ignored, keyReading(ignoreSecond, 1, 99));
    assertNotEquals(plain, ignored);
    for (Object second : new Object[] {null, 0, "", List.of(), false}) {
      assertNotEquals(ignored, key(1, second), "an ignored argument's mark is no value's encoding");
    }
  }

  @Test
  void anyListImplementationWithEqualElementsGivesOneKey() {
    CellKey k = key(List.of(1, 2, 3));
    assertEquals(k, key(new ArrayList<>(List.of(1, 2, 3))));
    assertEquals(k, key(new LinkedList<>(List.of(1, 2, 3))));
    assertEquals(k, key(Arrays.asList(1, 2, 3)));
    assertNotEquals(k, key(List.of(3, 2, 1)), "order counts in a list");
    assertNotEquals(k, key((Object) new Integer[] {1, 2, 3}), "an array is not a list");
  }

  @Test
  void setsAndMapsInAnyOrderGiveOneKey() {
    Map<String, Integer> a = new HashMap<>();
    Map<String, Integer> b = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) a.put("k" + i, i);
    for (int i = 49; i >= 0; i--) b.put("k" + i, i);
    assertEquals(key(a), key(b));
    assertEquals(key(a), key(new TreeMap<>(a)));
    assertEquals(key(Set.of("x", "y", "z")), key(new TreeSet<>(List.of("z", "y", "x"))));
    assertEquals(key(new HashSet<>(List.of(1, 2))), key(Set.of(2, 1)));
    Map<String, Integer> c = new HashMap<>(a);
    c.put("k7", 8);
    assertNotEquals(key(a), key(c), "a different value is a different key");
    assertNotEquals(key(Set.of(1, 2)), key(List.of(1, 2)), "a set is not a list");
  }

  record Version(int major) implements Comparable<Version> {
    @Override
    public int compareTo(Version o) {
      return 0;
    }
  }

  @Test
  void equalSetsAndMapsOfAnyImplementationGiveOneKey() {
    CellKey k = key(Set.of("b", "a", "c"));
    TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
    reversed.addAll(List.of("a", "b", "c"));
    assertEquals(k, key(reversed), "the order a sorted set iterates in is not part of its key");
    assertEquals(k, key(new TreeSet<>(List.of("a", "b", "c")).descendingSet()));
    assertEquals(k, key(new ConcurrentSkipListSet<>(List.of("c", "a", "b"))));
    assertEquals(k, key(Collections.unmodifiableSortedSet(new TreeSet<>(Set.of("a", "b", "c")))));
    Set<String> concurrent = ConcurrentHashMap.newKeySet();
    concurrent.addAll(List.of("a", "b", "c"));
    assertEquals(k, key(concurrent));
    assertEquals(key(Set.of(TimeUnit.SECONDS, TimeUnit.DAYS)), key(EnumSet.of(TimeUnit.DAYS, TimeUnit.SECONDS)));
    Map<String, Integer> m = Map.of("a", 1, "b", 2);
    TreeMap<String, Integer> natural = new TreeMap<>(Comparator.naturalOrder());
    natural.putAll(m);
    assertEquals(key(m), key(natural));
    assertEquals(key(m), key(new ConcurrentHashMap<>(m)));
    assertEquals(key(m.keySet()), key(new TreeMap<>(m).keySet()), "a sorted map's key set is a sorted set");
    assertEquals(key(List.of(1, 2)), key(new CopyOnWriteArrayList<>(List.of(1, 2))));
    assertEquals(key(List.of(1, 2)), key(Collections.unmodifiableList(new ArrayList<>(List.of(1, 2)))));
  }

  @Test
  void mixedNumberTypesInSetsAndMapsStayApart() {
    Set<Object> mixed = new HashSet<>(List.of(1, 1L, 1.0, (short) 1, BigInteger.ONE));
    assertEquals(5, mixed.size());
    Set<CellKey> keys = new HashSet<>(List.of(key(mixed), key(Set.of(1)), key(Set.of(1L)), key(Set.of(1.0)),
        key(Set.of(1, 1L)), key(Set.of(1, 1.0))));
    assertEquals(6, keys.size());
    assertNotEquals(key(Map.of(1, "a")), key(Map.of(1L, "a")));
    assertNotEquals(key(Map.of("a", 1)), key(Map.of("a", 1L)));
    assertNotEquals(key(Set.of(new BigDecimal("1.0"))), key(Set.of(new BigDecimal("1.00"))));
  }

  @Test
  void setsAndMapsThatDoNotCompareByEqualsAreRefused() {
    TreeSet<String> caseless = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    caseless.add("A");
    assertTrue(caseless.contains("a") && !Set.of("A").contains("a"), "same elements, different membership");
    assertRefused(caseless, "java.util.TreeSet", "CASE_INSENSITIVE_ORDER");
    assertRefused(new TreeSet<>(String.CASE_INSENSITIVE_ORDER), "java.util.TreeSet", "comparator");
    assertRefused(caselessMapOf("A"), "java.util.TreeMap", "comparator");
    assertRefused(new TreeSet<>(Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER)), "java.util.TreeSet",
        "comparator");
    assertRefused(new TreeSet<>(Comparator.comparing(String::length)), "java.util.TreeSet", "comparator");
    assertRefused(caseless.descendingSet(), "java.util.TreeSet", "comparator");
    assertRefused(caselessMapOf("A").keySet(), "java.util.TreeMap$KeySet", "comparator");
    TreeSet<BigDecimal> decimals = new TreeSet<>(List.of(new BigDecimal("1.0")));
    assertTrue(decimals.contains(new BigDecimal("1.00")) && !Set.of(new BigDecimal("1.0")).contains(
        new BigDecimal("1.00")), "natural order is not always consistent with equals");
    assertRefused(decimals, "java.util.TreeSet", "natural order of java.math.BigDecimal");
    assertRefused(new TreeMap<>(Map.of(new BigDecimal("1.0"), 1)), "java.util.TreeMap", "natural order");
    assertRefused(new TreeSet<>(List.of(new Version(1))), "java.util.TreeSet", "natural order");
    IdentityHashMap<String, Integer> identity = new IdentityHashMap<>();
    identity.put(new String("k"), 1);
    assertRefused(identity, "java.util.IdentityHashMap", "identity");
    assertRefused(identity.keySet(), "java.util.IdentityHashMap$KeySet", "identity");
    // A JDK view is judged by what it wraps: refused over a set or map that does not compare by equals,
    // keyed as its content over one that does.
    assertRefused(Collections.newSetFromMap(new IdentityHashMap<>()), "java.util.Collections$SetFromMap", "identity");
    assertRefused(Collections.unmodifiableSet(caseless), "java.util.Collections$UnmodifiableSet", "comparator");
    assertRefused(Collections.unmodifiableMap(identity), "java.util.Collections$UnmodifiableMap", "identity");
    assertEquals(key(new HashSet<>(Set.of("a"))), key(Collections.synchronizedSet(new HashSet<>(Set.of("a")))));
    assertEquals(key(new HashSet<>(Set.of("a"))), key(Collections.checkedSet(new HashSet<>(Set.of("a")), String.class)));
    assertEquals(key(Map.of("k", 1)), key(Collections.synchronizedMap(new HashMap<>(Map.of("k", 1)))));
    assertEquals(key(Map.of("k", 1)), key(Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("k", 1)))));
    Set<String> fromMap = Collections.newSetFromMap(new HashMap<>());
    fromMap.add("a");
    assertEquals(key(Set.of("a")), key(fromMap));
    assertRefused(Collections.unmodifiableSortedSet(caseless), "java.util.Collections$UnmodifiableSortedSet",
        "comparator");
    Properties defaults = new Properties();
    defaults.setProperty("mode", "fast");
    assertRefused(new Properties(defaults), "java.util.Properties", "defaults");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> key("x", new Holder("h", List.of(Map.of("s", caseless)))));
    assertTrue(e.getMessage().startsWith("argument 2 cannot be part of a cache key: at .items()[0][s]: "
        + "type java.util.TreeSet has no canonical key: it is sorted by a comparator"), e.getMessage());
  }

  static TreeMap<String, Integer> caselessMapOf(String key) {
    TreeMap<String, Integer> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.put(key, 1);
    return map;
  }

  @Test
  void numbersAreTypeTagged() {
    Set<CellKey> keys = new HashSet<>(List.of(key(1), key(1L), key(1.0), key(1.0f), key((short) 1), key((byte) 1),
        key("1"), key('1'), key(BigInteger.ONE), key(new BigDecimal("1")), key(true)));
    assertEquals(11, keys.size(), "11 different types, 11 different keys");
    assertNotEquals(key(new BigDecimal("1.0")), key(new BigDecimal("1.00")), "scale counts, as in equals");
    assertEquals(key(new BigDecimal("1.50")), key(new BigDecimal("1.50")));
    assertNotEquals(key(0.0), key(-0.0), "0.0 and -0.0 differ, as in Double.equals");
    assertNotEquals(key((Object) null), key("null"));
  }

  @Test
  void differentStringsNeverShareAKeyEvenWithUnpairedSurrogates() {
    assertNotEquals(key("\ud800"), key("?"), "getBytes(UTF_8) turns an unpaired surrogate into ?");
    assertNotEquals(key("\ud800"), key("\udc00"));
    assertNotEquals(key("\ud800"), key("\ufffd"));
    assertNotEquals(key("\udc00\ud800"), key("\ud800\udc00"), "two unpaired surrogates are not a pair");
    assertEquals(key("\ud800\udc00"), key(new String(Character.toChars(0x10000))));
    Set<String> strings = new HashSet<>();
    for (char c = 0; c < 0xFFFF; c++) strings.add(String.valueOf(c));
    strings.add("\uffff");
    String[] parts = {"a", "?", "\ud800", "\udbff", "\udc00", "\udfff", "\ufffd", "\ud83d\ude00", "\u00e9"};
    for (String x : parts) {
      for (String y : parts) {
        strings.add(x + y);
        for (String z : parts) strings.add(x + y + z);
      }
    }
    Set<CellKey> keys = new HashSet<>();
    for (String s : strings) keys.add(key(s));
    assertEquals(strings.size(), keys.size(), "one key per distinct string");
  }

  @Test
  void unpairedSurrogatesAreWrittenAsTheirOwnThreeBytes() {
    assertArrayEquals(new byte[] {0x61, (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC3, (byte) 0xA9,
        (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, (byte) 0xED, (byte) 0xBF, (byte) 0xBF},
        KeyWriter.utf8("a\ud800\u00e9\ud83d\ude00\udfff"));
    String wellFormed = "h\u00e9llo \ud83d\ude00 \u4e2d";
    assertArrayEquals(wellFormed.getBytes(StandardCharsets.UTF_8), KeyWriter.utf8(wellFormed));
  }

  @Test
  void aStringIsWrittenAsItsLengthAndUtf8BytesWhicheverWayItIsWritten() {
    // Short ASCII strings are written in place, others through their UTF-8 array: the same bytes.
    List<String> strings = new ArrayList<>(List.of("", "abc", "a\u007f", "a\u0080", "\u00e9t\u00e9", "x\ud800",
        "\ud83d\ude00", "tab\tnew\nline", "a".repeat(255), "a".repeat(256), "a".repeat(257), "a".repeat(256) + "\u00e9",
        "\u00e9" + "a".repeat(300), "a".repeat(70_000)));
    for (String s : strings) {
      byte[] utf8 = KeyWriter.utf8(s);
      java.nio.ByteBuffer expected = java.nio.ByteBuffer.allocate(3 + 4 + utf8.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      expected.put((byte) 1).put((byte) 1).put((byte) KeyWriter.STRING).putInt(utf8.length).put(utf8); // format 1, one argument
      CellKey k = key(s);
      if (k.encoding() != null) {
        assertArrayEquals(expected.array(), k.encoding(), "the key of a string of " + s.length() + " chars");
      } else { // above the stored limit: only the hash is kept
        long[] hash = Murmur3.hash(expected.array());
        assertEquals(hash[0], k.hashHi());
        assertEquals(hash[1], k.hashLo());
      }
    }
  }

  /**
   * Arrays too long for a key to keep are hashed straight from the array: the hash is still that
   * of the key's bytes (the format's), at every alignment the bytes before them leave and every
   * length, for each element type.
   */
  @Test
  void aLongArrayIsHashedAsTheBytesOfItsKey() {
    Random r = new Random(3);
    int limit = KeyWriter.STORED_LIMIT;
    for (int prefix = 0; prefix < 16; prefix++) {
      for (int bytes : new int[] {limit - 8, limit + 1, limit + 12, 3 * limit + 4}) {
        String text = "p".repeat(prefix); // shifts the array's bytes against the hash's 16-byte blocks
        double[] d = new double[bytes / 8];
        long[] l = new long[bytes / 8];
        int[] v = new int[bytes / 4 + prefix % 4];
        float[] f = new float[bytes / 4 + prefix % 3];
        byte[] b = new byte[bytes + prefix];
        for (int i = 0; i < d.length; i++) d[i] = i % 97 == 0 ? Double.NaN : r.nextGaussian();
        for (int i = 0; i < l.length; i++) l[i] = r.nextLong();
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt();
        for (int i = 0; i < f.length; i++) f[i] = i % 89 == 0 ? Float.intBitsToFloat(0x7fc00001) : r.nextFloat();
        r.nextBytes(b);
        for (Object array : new Object[] {d, l, v, f, b}) {
          java.nio.ByteBuffer expected = java.nio.ByteBuffer.allocate(3 + 4 + prefix + 5 + 8 * d.length + 8 * l.length
              + b.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          expected.put((byte) 1).put((byte) 2).put((byte) KeyWriter.STRING).putInt(prefix).put(text.getBytes(StandardCharsets.US_ASCII));
          if (array instanceof double[]) {
            expected.put((byte) KeyWriter.DOUBLE_ARRAY).putInt(d.length);
            for (double x : d) expected.putLong(Double.doubleToLongBits(x));
          } else if (array instanceof long[]) {
            expected.put((byte) KeyWriter.LONG_ARRAY).putInt(l.length);
            for (long x : l) expected.putLong(x);
          } else if (array instanceof int[]) {
            expected.put((byte) KeyWriter.INT_ARRAY).putInt(v.length);
            for (int x : v) expected.putInt(x);
          } else if (array instanceof float[]) {
            expected.put((byte) KeyWriter.FLOAT_ARRAY).putInt(f.length);
            for (float x : f) expected.putInt(Float.floatToIntBits(x));
          } else {
            expected.put((byte) KeyWriter.BYTE_ARRAY).putInt(b.length).put(b);
          }
          byte[] keyBytes = Arrays.copyOf(expected.array(), expected.position());
          CellKey k = key(text, array);
          String what = array.getClass().getSimpleName() + " of " + (keyBytes.length - 12 - prefix) + " bytes after "
              + prefix;
          if (k.encoding() != null) {
            assertArrayEquals(keyBytes, k.encoding(), what);
          } else {
            long[] hash = Murmur3.hash(keyBytes);
            assertEquals(hash[0], k.hashHi(), what);
            assertEquals(hash[1], k.hashLo(), what);
          }
        }
      }
    }
  }

  /** Equal to {@code BigInteger.TEN} by equals, yet it prints (and could compute) otherwise. */
  static final class Shouting extends BigInteger {
    Shouting() {
      super("10");
    }

    @Override
    public String toString() {
      return "TEN";
    }
  }

  @Test
  void floatsAndDoublesFollowEqualsAndSubclassedNumbersAreRefused() {
    assertNotEquals(key(0.0f), key(-0.0f), "0.0f and -0.0f differ, as in Float.equals");
    float nanA = Float.intBitsToFloat(0x7fc00001);
    float nanB = Float.intBitsToFloat(0x7fc00002);
    assertEquals(Float.valueOf(nanA), Float.valueOf(nanB));
    assertEquals(key(nanA), key(nanB), "every NaN is one key, as in Float.equals");
    assertEquals(key((Object) new float[] {nanA}), key((Object) new float[] {nanB}));
    assertNotEquals(key((Object) new double[] {0.0}), key((Object) new double[] {-0.0}), "as in Arrays.equals");
    assertNotEquals(key(1.0f), key(1.0));
    assertNotEquals(key('a'), key("a"));
    assertNotEquals(key('a'), key((Object) new char[] {'a'}));
    assertNotEquals(key((Object) new char[] {'a'}), key("a"));
    assertNotEquals(key(new BigInteger("-1")), key(new BigInteger("255")), "two's complement bytes, length-prefixed");
    assertEquals(new Shouting(), BigInteger.TEN);
    assertRefused(new Shouting(), "io.memokit.function.KeyWriterTest$Shouting", "plain BigInteger");
  }

  @Test
  void nanIsCanonicalInArraysAndScalars() {
    double nan1 = Double.longBitsToDouble(0x7ff8000000000001L);
    double nan2 = Double.longBitsToDouble(0x7ff8000000000002L);
    assertEquals(key(nan1), key(nan2));
    assertEquals(key((Object) new double[] {1, nan1}), key((Object) new double[] {1, nan2}));
  }

  @Test
  void recordsAreKeyedByClassAndComponents() {
    assertEquals(key(new Point(1, 2)), key(new Point(1, 2)));
    assertNotEquals(key(new Point(1, 2)), key(new Point(2, 1)));
    assertNotEquals(key(new Point(1, 2)), key(new Other(1, 2)), "the record class counts");
    assertEquals(key(new Holder("h", List.of(1, "a"))), key(new Holder("h", new ArrayList<>(List.of(1, "a")))));
  }

  /** An overridden accessor: {@code Lower("A")} and {@code Lower("a")} differ (equals, toString) but read alike. */
  record Lower(String s) {
    @Override
    public String s() {
      return s.toLowerCase(Locale.ROOT);
    }
  }

  /** A coarser equals: {@code Caseless("A")} equals {@code Caseless("a")}, yet they print differently. */
  record Caseless(String s) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Caseless c && c.s.equalsIgnoreCase(s);
    }

    @Override
    public int hashCode() {
      return s.toLowerCase(Locale.ROOT).hashCode();
    }
  }

  @Test
  void recordsAreKeyedByTheirFieldsWhateverTheirAccessorsAndEqualsSay() {
    assertNotEquals(new Lower("A"), new Lower("a"));
    assertEquals(new Lower("A").s(), new Lower("a").s());
    assertNotEquals(key(new Lower("A")), key(new Lower("a")), "keyed by the field, not the overridden accessor");
    assertEquals(key(new Lower("A")), key(new Lower("A")));
    assertEquals(new Caseless("A"), new Caseless("a"));
    assertNotEquals(new Caseless("A").toString(), new Caseless("a").toString());
    assertNotEquals(key(new Caseless("A")), key(new Caseless("a")),
        "a key finer than a coarse equals costs a miss, never a wrong value");
  }

  @Test
  void enumsOfDifferentClassesWithTheSameConstantNameDiffer() {
    assertNotEquals(key(TimeUnit.DAYS), key(ChronoUnit.DAYS));
    assertNotEquals(key(TimeUnit.DAYS), key("DAYS"));
  }

  @Test
  void enumsTimeOptionalArgumentsCountAndPositions() {
    assertEquals(key(TimeUnit.SECONDS), key(TimeUnit.SECONDS));
    assertNotEquals(key(TimeUnit.SECONDS), key(TimeUnit.MINUTES));
    assertEquals(key(LocalDate.of(2026, 11, 24)), key(LocalDate.parse("2026-11-24")));
    assertNotEquals(key(Instant.ofEpochSecond(0)), key(Instant.ofEpochSecond(1)));
    assertNotEquals(key(Optional.empty()), key(Optional.of(1)));
    assertNotEquals(key((Object) null), key(Optional.empty()));
    assertNotEquals(key(1, 2), key(2, 1));
    assertNotEquals(key(1, null), key(1));
    assertNotEquals(key(List.of(1), 2), key(List.of(1, 2)));
  }

  /** Values of every keyed java.time class, pairwise unequal; their key is pinned, so add values elsewhere. */
  static List<Object> unequalTimeValues() {
    LocalDateTime overlap = LocalDateTime.of(2023, 10, 29, 2, 30);
    ZoneId paris = ZoneId.of("Europe/Paris");
    LocalDateTime t = LocalDateTime.of(2026, 11, 24, 9, 30);
    return List.of(
        LocalDate.of(2026, 11, 24), LocalDate.of(-2026, 11, 24), LocalDate.of(2026, 1, 1), LocalDate.MIN,
        LocalTime.of(12, 0), LocalTime.of(12, 0, 0, 1), LocalTime.MIDNIGHT, LocalTime.MAX,
        t, t.withNano(1), LocalDateTime.MIN, LocalDateTime.MAX,
        Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(-1, 999_999_999), Instant.MAX,
        Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(-1), Duration.ofDays(1),
        Duration.ofSeconds(Long.MAX_VALUE),
        Period.ZERO, Period.ofYears(1), Period.ofMonths(12), Period.ofDays(365), Period.of(1, -1, 0),
        Year.of(2026), Year.of(-2026), YearMonth.of(2026, 11), YearMonth.of(2026, 1), MonthDay.of(11, 24),
        MonthDay.of(2, 29), ZoneOffset.UTC, ZoneOffset.ofHours(1), ZoneOffset.ofTotalSeconds(3601), ZoneId.of("UTC"),
        ZoneId.of("Etc/UTC"), ZoneId.of("UTC+01:00"), paris, ZoneId.of("Africa/Lagos"),
        OffsetTime.of(LocalTime.NOON, ZoneOffset.UTC), OffsetTime.of(LocalTime.of(13, 0), ZoneOffset.ofHours(1)),
        OffsetDateTime.of(t, ZoneOffset.UTC), OffsetDateTime.of(t.plusHours(1), ZoneOffset.ofHours(1)),
        ZonedDateTime.of(t, ZoneOffset.UTC), ZonedDateTime.of(t, ZoneId.of("UTC")), ZonedDateTime.of(t, paris),
        ZonedDateTime.of(t, ZoneId.of("Africa/Lagos")), ZonedDateTime.of(t, ZoneOffset.ofHours(1)),
        ZonedDateTime.of(overlap, paris).withEarlierOffsetAtOverlap(),
        ZonedDateTime.of(overlap, paris).withLaterOffsetAtOverlap(),
        DayOfWeek.MONDAY, Month.JANUARY, ChronoUnit.DAYS);
  }

  @Test
  void unequalTimeValuesHaveDifferentKeysAndEqualOnesOneKey() throws Exception {
    List<Object> values = unequalTimeValues();
    for (int i = 0; i < values.size(); i++) {
      for (int j = i + 1; j < values.size(); j++) {
        assertNotEquals(values.get(i), values.get(j), "the test values must be pairwise unequal");
        assertNotEquals(key(values.get(i)), key(values.get(j)), values.get(i) + " vs " + values.get(j));
      }
      Object copy = serializedCopy(values.get(i));
      assertEquals(values.get(i), copy);
      assertEquals(key(values.get(i)), key(copy), "an equal copy of " + values.get(i) + " has the same key");
    }
    assertEquals(key(Instant.ofEpochSecond(1, 500)), key(Instant.parse("1970-01-01T00:00:01.000000500Z")));
    assertEquals(key(Duration.ofMinutes(1)), key(Duration.ofSeconds(60)));
    assertEquals(key(Duration.ofSeconds(-1, 1)), key(Duration.ofNanos(-999_999_999)));
    assertEquals(key(LocalTime.of(12, 0)), key(LocalTime.parse("12:00:00.000")));
    assertEquals(key(ZoneId.of("Z")), key(ZoneOffset.UTC), "ZoneId.of(\"Z\") is the offset");
    assertEquals(key(ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/Paris"))),
        key(ZonedDateTime.parse("2026-01-01T00:00+01:00[Europe/Paris]")));
    assertEquals(KeyWriter.ENUM, key(DayOfWeek.MONDAY).encoding()[2], "java.time enums stay keyed as enums");
  }

  static Object serializedCopy(Object v) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(v);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  @Test
  void timeTypesWithoutAValueKeyAreRefusedWithAHint() {
    DateTimeFormatter english = DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH);
    DateTimeFormatter french = DateTimeFormatter.ofPattern("EEEE", Locale.FRENCH);
    assertEquals(english.toString(), french.toString(), "why text cannot key a formatter");
    assertNotEquals(english.format(DayOfWeek.MONDAY), french.format(DayOfWeek.MONDAY));
    ZoneRules lagos = ZoneId.of("Africa/Lagos").getRules();
    ZoneRules parisRules = ZoneId.of("Europe/Paris").getRules();
    assertEquals(lagos.toString(), parisRules.toString(), "why text cannot key zone rules");
    assertRefused(english, "java.time.format.DateTimeFormatter", "locale");
    assertRefused(lagos, "java.time.zone.ZoneRules", "ZoneId");
    assertRefused(Clock.systemUTC(), "java.time.Clock", "clock.instant()");
    assertRefused(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), "java.time.Clock", "clock.instant()");
    assertRefused(JapaneseDate.of(2020, 1, 1), "java.time.chrono.JapaneseDate", "LocalDate.from");
    assertRefused(HijrahDate.now(), "java.time.chrono.HijrahDate", "LocalDate.from");
    assertRefused(ThaiBuddhistDate.now().atTime(LocalTime.NOON), "java.time.chrono.ChronoLocalDateTimeImpl",
        "LocalDate.from");
    assertRefused(JapaneseChronology.INSTANCE, "java.time.chrono.JapaneseChronology", "chronology");
    assertRefused(TemporalAdjusters.firstDayOfMonth(), "java.time.temporal.TemporalAdjusters", "adjuster");
    assertRefused(ValueRange.of(1, 28, 31), "java.time.temporal.ValueRange", "keyed are LocalDate");
    assertRefused(WeekFields.ISO, "java.time.temporal.WeekFields", "keyed are LocalDate");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> key(LocalDate.EPOCH, Map.of("fmt", french)));
    assertTrue(e.getMessage().startsWith("argument 2 cannot be part of a cache key: at [fmt]: "
        + "type java.time.format.DateTimeFormatter has no canonical key: "), e.getMessage());
  }

  static void assertRefused(Object v, String type, String hint) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> key(v));
    assertTrue(e.getMessage().startsWith("argument 1 cannot be part of a cache key: type " + type), e.getMessage());
    assertTrue(e.getMessage().contains(hint), e.getMessage());
  }

  @Test
  void optionalsAndArraysAreKeyedByContent() {
    assertNotEquals(key(Optional.of(1)), key(Optional.of(1L)));
    assertEquals(key(Optional.of(List.of(1))), key(Optional.of(new ArrayList<>(List.of(1)))));
    assertNotEquals(key(Optional.of(Optional.empty())), key(Optional.empty()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> key(Optional.of(new Object())));
    assertTrue(e.getMessage().contains("at .get(): type java.lang.Object"), e.getMessage());
    assertEquals(key((Object) new String[] {"a"}), key((Object) new Object[] {"a"}), "equal as in Arrays.equals");
    assertEquals(key((Object) new Object[] {new int[] {1}}), key((Object) new Object[] {new int[] {1}}),
        "nested arrays by content, as in Arrays.deepEquals");
    assertNotEquals(key((Object) new int[] {1}), key((Object) new long[] {1}));
    assertNotEquals(key((Object) new byte[] {1}), key((Object) new boolean[] {true}));
    assertNotEquals(key((Object) new int[] {1, 2}), key((Object) new int[] {1}, (Object) new int[] {2}));
  }

  @Test
  void largeArgumentsAreKeptAsTheirHashAndStillCompareExactly() {
    double[] big = new double[20 * 1024 * 1024 / 8];
    for (int i = 0; i < big.length; i++) big[i] = i * 0.5;
    CellKey k = key((Object) big);
    assertNull(k.encoding(), "above 64 KiB only the hash is kept");
    assertEquals(k, key((Object) big.clone()));
    double[] changed = big.clone();
    changed[big.length / 2] += 1;
    assertNotEquals(k, key((Object) changed));
    double[] small = new double[1024];
    assertNotNull(key((Object) small).encoding(), "8 KiB is kept whole");
    assertEquals(key((Object) new byte[70_000]), key((Object) new byte[70_000]));
    assertNotEquals(key((Object) new byte[70_000]), key((Object) new byte[70_001]));
  }

  /**
   * The encoding is a stored format: these hashes were computed once and must not change, or every
   * store's cells would stop being hit (and another JVM would disagree with this one).
   */
  @Test
  void theEncodingFormatIsPinned() {
    assertEquals("fe9a8d8362b5c0d0361f4e072a6ba16c", key(1, 2).hex());
    assertEquals("78b7d87a61fa39e935721220c48cc5fc", key("hello", List.of(1L, 2.5, true), Map.of("k", 'c')).hex());
    assertEquals("7160beef817bbe411cbe3bc11fddd00e", key(new Point(3, 4), Optional.empty(), (Object) null).hex());
  }

  /**
   * More pins, computed before the key audit: every type whose encoding was already correct must
   * keep it (strings with non-ASCII text, every scalar and array type, sets, sorted maps, nested
   * records, enums, named functions).
   */
  @Test
  void encodingsOfEveryCorrectTypeArePinned() {
    assertEquals("f583171ad47f335cc433528c1e81c4c4",
        key("h\u00e9llo \ud83d\ude00 \u4e2d", 'x', (byte) -3, (short) 300, 1.5f, -0.0, Double.NaN).hex());
    assertEquals("31828d13689203075d3e6a3bd81136fb",
        key(new BigInteger("-123456789012345678901234567890"), new BigDecimal("-1.500"), TimeUnit.SECONDS).hex());
    assertEquals("c61add694d293b5335cd5fce69e50b20",
        key(new int[] {1, -2}, new long[] {3}, new double[] {0.5}, new float[] {2f}, new byte[] {7},
            new short[] {8}, new char[] {'a', '\ud800'}, new boolean[] {true, false}, new Object[] {"o", null}).hex());
    assertEquals("ca6dc278ce1bbc98016c991a73ccf64c",
        key(new TreeSet<>(List.of("b", "a")), new TreeMap<>(Map.of("k", List.of(1, 2L))),
            Optional.of(new Point(1, 2)), named("dep.f", "2")).hex());
  }

  /** The java.time encoding by fields (tag TEMPORAL), pinned when it replaced the ambiguous text form. */
  @Test
  void theTimeEncodingIsPinned() {
    assertEquals("178d0d59f827cfbf054bd8a675a58f3d", key(unequalTimeValues().toArray()).hex());
  }

  @Test
  void versionedFunctionsAnywhereInTheArgumentsAreDependencies() {
    NamedFunction v1 = named("dep.f", "1");
    NamedFunction v2 = named("dep.f", "2");
    NamedFunction plain = named("dep.g", "");
    CellKey k1 = key(Map.of("x", List.of(new Holder("n", List.of(v1)))));
    CellKey k2 = key(Map.of("x", List.of(new Holder("n", List.of(v2)))));
    assertNotEquals(k1, k2, "the version is part of the key");
    assertEquals(List.of(new FunctionId("dep.f", "1", 1)), k1.dependencies());
    assertEquals(List.of(), key(plain).dependencies(), "an unversioned function is no dependency");
    assertEquals(key(v1), key(named("dep.f", "1")), "functions are keyed by identity, not by object");
  }

  @Test
  void functionsAreKeyedByNameVersionAndArity() {
    assertNotEquals(key(named("dep.f", "1")), key(named("dep.g", "1")));
    assertNotEquals(key(named("dep.f", "")), key(named("dep.f", "1")));
    NamedFunction binary = new NamedFunction() {
      @Override
      public FunctionId id() {
        return new FunctionId("dep.f", "1", 2);
      }

      @Override
      public Object invoke(Object[] args) {
        return null;
      }
    };
    assertNotEquals(key(named("dep.f", "1")), key(binary));
    assertNotEquals(key(named("dep.f", "1")), key("dep.f"));
  }

  static NamedFunction named(String name, String version) {
    FunctionId id = new FunctionId(name, version, 1);
    return new NamedFunction() {
      @Override
      public FunctionId id() {
        return id;
      }

      @Override
      public Object invoke(Object[] args) {
        return null;
      }
    };
  }

  @Test
  void unsupportedTypesAreRefusedNamingPositionPathAndType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> key(1, List.of(0, 1, 2, new Thread())));
    assertTrue(e.getMessage().startsWith("argument 2 cannot be part of a cache key: at [3]: type java.lang.Thread"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> key(new Holder("h", List.of(new StringBuilder("x")))));
    assertTrue(e.getMessage().contains("at .items()[0]: type java.lang.StringBuilder"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> key(Map.of("k", new Object())));
    assertTrue(e.getMessage().contains("[k]: type java.lang.Object"), e.getMessage());
    Runnable lambda = () -> {};
    e = assertThrows(IllegalArgumentException.class, () -> key(lambda));
    assertTrue(e.getMessage().contains("unnamed function"), e.getMessage());
  }

  @Test
  void cyclesAndDeepNestingAreRefusedClearly() {
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(1);
    cyclic.add(cyclic);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> key(cyclic));
    assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
    Object deep = 0;
    for (int i = 0; i < 300; i++) deep = List.of(deep);
    Object finalDeep = deep;
    e = assertThrows(IllegalArgumentException.class, () -> key(finalDeep));
    assertTrue(e.getMessage().contains("nested more than 256"), e.getMessage());
    Object ok = 0;
    for (int i = 0; i < 200; i++) ok = List.of(ok);
    assertNotNull(key(ok), "200 levels are fine");
    List<Object> shared = List.of(1);
    assertNotNull(key(List.of(shared, shared)), "the same object twice is not a cycle");
  }

  @Test
  void namesAreCheckedWithTheReason() {
    for (String bad : List.of("a/b", "..", "a..b", "x\ny", " lead", "a b", ".hidden", "tail.", "x".repeat(10_000))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FunctionId.checkName(bad));
      assertTrue(e.getMessage().contains("function name"), e.getMessage());
      assertTrue(e.getMessage().length() < 400, "the message stays readable for a 10,000-character name");
    }
    assertThrows(IllegalArgumentException.class, () -> FunctionId.versionText("f", "v\u0000"));
    assertThrows(IllegalArgumentException.class, () -> FunctionId.versionText("f", ""));
    assertEquals("my.pkg.f-2", FunctionId.checkName("my.pkg.f-2"));
  }

  @Test
  void directoryNamesAreSafeAndReversible() {
    FunctionId id = new FunctionId("f", "2.0 beta/../x{y}", 3);
    String dir = id.storedName();
    assertTrue(dir.matches("[A-Za-z0-9._$%{}()-]+"), dir);
    assertTrue(!dir.contains("/") && !dir.equals(".."), dir);
    assertEquals(Optional.of(id), FunctionId.fromStoredName(dir));
    assertEquals(Optional.of(FunctionId.of("plain", 0)), FunctionId.fromStoredName("plain(0)"));
    assertEquals(Optional.empty(), FunctionId.fromStoredName("not a block"));
  }

  private static CellKey keyReading(ImplicitArgs reads, Object... args) {
    try (KeyWriter.Probe probe = KeyWriter.probe(null, args, reads)) {
      return probe.toKey();
    }
  }
}
