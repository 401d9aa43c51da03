package io.memokit.bench;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn2;
import io.memokit.MemoStore;
import io.memokit.codec.Codec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A value of each JDK collection and value type memokit's format writes itself, of 10 elements
 * where it holds any, against the references of the same size: {@code List.of} for values nobody
 * can change, {@code ArrayList} and {@code HashMap} for the others. {@code hit}: a repeated hit in
 * this process, among 64 keys (a shared value is handed out as it is, another decoded afresh); {@code encode}:
 * the codec's part of a miss.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdkTypesBench {

  enum Day { MON, TUE, WED, THU, FRI, SAT, SUN, D8, D9, D10 }

  @Param({"List.of", "ArrayList", "HashMap", "nCopies", "singletonList", "emptyList", "unmodifiableList",
      "unmodifiableCollection", "Arrays.asList", "TreeMap", "LinkedHashMap", "ArrayDeque", "Vector", "EnumMap", "EnumSet",
      "IdentityHashMap", "ConcurrentSkipListMap", "BitSet", "UUID", "OptionalInt", "Map.entry"})
  public String type;

  Path dir;
  MemoStore store;
  MemoFn2<String, Integer, Object> f;
  Object value;
  Codec codec;
  int i;

  /** A value of {@code type}, of 10 elements where it holds any, varying with {@code k}. */
  static Object make(String type, int k) {
    List<Integer> ten = new ArrayList<>();
    for (int j = 0; j < 10; j++) ten.add(k + j);
    Map<Integer, Integer> tenMap = new HashMap<>();
    for (int j = 0; j < 10; j++) tenMap.put(k + j, j);
    return switch (type) {
      case "List.of" -> List.copyOf(ten);
      case "ArrayList" -> ten;
      case "HashMap" -> tenMap;
      case "nCopies" -> Collections.nCopies(10, k);
      case "singletonList" -> Collections.singletonList(k);
      case "emptyList" -> Collections.emptyList();
      case "unmodifiableList" -> Collections.unmodifiableList(ten);
      case "unmodifiableCollection" -> Collections.unmodifiableCollection(ten);
      case "Arrays.asList" -> Arrays.asList(ten.toArray(new Integer[0]));
      case "TreeMap" -> new TreeMap<>(tenMap);
      case "LinkedHashMap" -> new LinkedHashMap<>(tenMap);
      case "ArrayDeque" -> new ArrayDeque<>(ten);
      case "Vector" -> new Vector<>(ten);
      case "EnumMap" -> {
        EnumMap<Day, Integer> m = new EnumMap<>(Day.class);
        for (Day d : Day.values()) m.put(d, k + d.ordinal());
        yield m;
      }
      case "EnumSet" -> k % 2 == 0 ? EnumSet.allOf(Day.class) : EnumSet.range(Day.MON, Day.D9);
      case "IdentityHashMap" -> new IdentityHashMap<>(tenMap);
      case "ConcurrentSkipListMap" -> new ConcurrentSkipListMap<>(tenMap);
      case "BitSet" -> {
        BitSet b = new BitSet();
        for (int j = 0; j < 10; j++) b.set(k + 7 * j);
        yield b;
      }
      case "UUID" -> new UUID(k, 31L * k);
      case "OptionalInt" -> OptionalInt.of(k);
      case "Map.entry" -> Map.entry(k, "v" + k);
      default -> throw new IllegalArgumentException(type);
    };
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Fixture.freshDir("jdk-types");
    store = store(dir.resolve("store"));
    // The type is an argument: a function capturing it would key it as a value read at each call.
    f = memo(store, "bench.jdk", (String t, Integer k) -> make(t, k));
    for (int k = 0; k < 64; k++) f.apply(type, k);
    value = make(type, 1);
    codec = Codec.shared();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    Fixture.delete(dir);
  }

  @Benchmark
  public Object hit() {
    return f.apply(type, i++ & 63);
  }

  @Benchmark
  public Object encode() throws Exception {
    return codec.encode(value);
  }
}
