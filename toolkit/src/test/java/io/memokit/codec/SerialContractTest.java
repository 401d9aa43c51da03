package io.memokit.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.codec.SerialSamples.Box;
import io.memokit.codec.SerialSamples.Measure;
import io.memokit.codec.SerialSamples.Point;
import io.memokit.codec.SerialSamples.Range;
import io.memokit.codec.SerialSamples.RangeProxy;
import io.memokit.codec.SerialSamples.Tally;
import io.memokit.codec.SerialSamples.Unit;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects whose class defines its serialized form come back as their class defines them, in
 * memokit's format: {@code readObject}, {@code writeObject}, {@code readResolve},
 * {@code writeReplace}, {@code Externalizable}, {@code readObjectNoData}, at any depth, with shared
 * objects and cycles kept, under the store's allow-list; records and other values as before.
 */
@Tag("both-jdks")
class SerialContractTest {

  @TempDir
  Path tmp;

  /** A singleton kept one by its readResolve alone, written field by field. */
  static final class Nothing {
    static final Nothing INSTANCE = new Nothing();

    private Nothing() {}

    private Object readResolve() {
      return INSTANCE;
    }
  }

  record Wrap(Box box, List<Box> boxes) {}

  /** A plain class (written field by field) holding boxes. */
  static final class Shelf {
    Box box;
    Box[] row;
  }

  private static Object roundTrip(Object v) throws Exception {
    return read(ValueWriter.write(v), null);
  }

  private static Object read(byte[] b, Predicate<Class<?>> allowed) throws Exception {
    return ValueReader.read(b, b.length, name -> Class.forName(name, false, SerialContractTest.class.getClassLoader()),
        allowed);
  }

  /** A twin of {@link Boy} without its readObject: how an earlier memokit wrote a Boy, field by field. */
  static final class Bob implements java.io.Serializable {
    final int value;
    transient int doubled;

    Bob(int value) {
      this.value = value;
      this.doubled = 2 * value;
    }
  }

  static final class Boy implements java.io.Serializable {
    final int value;
    transient int doubled;

    Boy(int value) {
      this.value = value;
      this.doubled = 2 * value;
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      doubled = 2 * value;
    }
  }

  @Test
  void aValueAnEarlierMemokitWroteFieldByFieldIsRefusedNotReadWrong() throws Exception {
    byte[] bob = ValueWriter.write(new Bob(21));
    String from = Bob.class.getName();
    String to = Boy.class.getName();
    byte[] asBoy = new String(bob, java.nio.charset.StandardCharsets.ISO_8859_1).replace(from, to)
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals(bob.length, asBoy.length);
    assertFalse(java.util.Arrays.equals(bob, asBoy), "the class name was found and replaced");
    ValueReader.IncompatibleClassException e = assertThrows(ValueReader.IncompatibleClassException.class,
        () -> read(asBoy, null));
    assertTrue(e.getMessage().contains("written field by field"), e.getMessage());
  }

  @Test
  void readObjectRestoresATransientField() throws Exception {
    Box back = (Box) roundTrip(new Box(21));
    assertEquals(21, back.value);
    assertEquals(42, back.doubled);
  }

  @Test
  void writeObjectAndReadObjectKeepTheirOwnData() throws Exception {
    Tally back = (Tally) roundTrip(new Tally("t", new Point(1, 2), new Point(3, 4)));
    assertEquals("t", back.name);
    assertEquals(1002, back.count);
    assertEquals(List.of(new Point(1, 2), new Point(3, 4)), back.items);
  }

  @Test
  void readResolveKeepsASingletonOne() throws Exception {
    assertSame(Unit.INSTANCE, roundTrip(Unit.INSTANCE));
    assertSame(Nothing.INSTANCE, roundTrip(Nothing.INSTANCE));
    List<?> back = (List<?>) roundTrip(List.of(Unit.INSTANCE, new Box(1), Unit.INSTANCE, Nothing.INSTANCE));
    assertSame(Unit.INSTANCE, back.get(0));
    assertSame(Unit.INSTANCE, back.get(2));
    assertSame(Nothing.INSTANCE, back.get(3));
  }

  @Test
  void writeReplaceStoresTheProxyAndItsReadResolveGivesTheObjectBack() throws Exception {
    Range r = new Range(3, 9);
    List<?> back = (List<?>) roundTrip(new ArrayList<>(List.of(r, r, new Wrap(new Box(1), List.of()))));
    Range r2 = (Range) back.get(0);
    assertEquals(3, r2.lo);
    assertEquals(9, r2.hi);
    assertSame(r2, back.get(1), "one object written twice is one object read");
  }

  @Test
  void anExternalizableIsMadeByItsNoArgConstructorThenReadExternal() throws Exception {
    Measure back = (Measure) roundTrip(new Measure(5, "kg", List.of(new Point(0, 1))));
    assertTrue(back.madeByNoArgConstructor);
    assertEquals(5, back.amount);
    assertEquals("kg", back.unit);
    assertEquals(List.of(new Point(0, 1)), back.items);
    assertInstanceOf(Point.class, back.items.get(0));
  }

  @Test
  void theirRulesApplyAtAnyDepth() throws Exception {
    Shelf shelf = new Shelf();
    shelf.box = new Box(4);
    shelf.row = new Box[] {new Box(5)};
    Map<String, Object> byName = new LinkedHashMap<>();
    byName.put("box", new Box(2));
    List<Object> value = List.of(List.of(new Box(1)), byName,
        new Wrap(new Box(3), new ArrayList<>(List.of(new Box(6)))), shelf, new Box[] {new Box(7)},
        Map.of("m", new Measure(8, "m", List.of())));
    List<?> back = (List<?>) roundTrip(value);
    assertEquals(2, ((Box) ((List<?>) back.get(0)).get(0)).doubled);
    assertEquals(4, ((Box) ((Map<?, ?>) back.get(1)).get("box")).doubled);
    Wrap wrap = (Wrap) back.get(2);
    assertEquals(6, wrap.box().doubled);
    assertEquals(12, wrap.boxes().get(0).doubled);
    Shelf shelf2 = (Shelf) back.get(3);
    assertEquals(8, shelf2.box.doubled);
    assertEquals(10, shelf2.row[0].doubled);
    assertEquals(14, ((Box[]) back.get(4))[0].doubled);
    assertTrue(((Measure) ((Map<?, ?>) back.get(5)).get("m")).madeByNoArgConstructor);
  }

  @Test
  void whatSuchAnObjectHoldsComesBackAsItWouldAnywhereElse() throws Exception {
    java.util.Random random = new java.util.Random(7); // a JDK class memokit's format does not hold: Java's form
    Keeper k = new Keeper();
    k.list = new ArrayList<>(List.of(List.of(new Point(1, 2)), java.time.LocalDate.of(2026, 11, 27),
        java.util.EnumSet.of(ValueCodecTest.Colour.GREEN), java.util.Optional.of("o"), new int[] {1, 2},
        new java.util.TreeMap<>(Map.of("a", 1)), random));
    ClassAllowList allowed = ClassAllowList.of(List.of(Keeper.class.getName(), Point.class.getName(),
        ValueCodecTest.Colour.class.getName()));
    byte[] b = ValueWriter.write(new ArrayList<>(Arrays.asList(k, random)));
    List<?> back = (List<?>) read(b, allowed);
    List<Object> list = ((Keeper) back.get(0)).list;
    assertEquals(List.of(new Point(1, 2)), list.get(0));
    assertTrue(list.get(0).getClass().getName().startsWith("java.util.ImmutableCollections$"), "List.of as such");
    assertInstanceOf(Point.class, ((List<?>) list.get(0)).get(0));
    assertEquals(java.time.LocalDate.of(2026, 11, 27), list.get(1));
    assertEquals(java.util.EnumSet.of(ValueCodecTest.Colour.GREEN), list.get(2));
    assertEquals(java.util.Optional.of("o"), list.get(3));
    assertArrayEquals(new int[] {1, 2}, (int[]) list.get(4));
    assertEquals(Map.of("a", 1), list.get(5));
    assertSame(java.util.TreeMap.class, list.get(5).getClass());
    assertEquals(new java.util.Random(7).nextLong(), ((java.util.Random) list.get(6)).nextLong());
    assertSame(list.get(6), back.get(1), "held by the Keeper and by the list: one object");

    Keeper direct = new Keeper(); // Java serialization asks List.of and LocalDate for their proxies first
    direct.list = List.of(java.time.LocalDate.of(2026, 11, 27), new Point(5, 6));
    byte[] d = ValueWriter.write(direct);
    assertEquals(direct.list, ((Keeper) read(d, allowed)).list);
    assertInstanceOf(Point.class, ((Keeper) read(d, allowed)).list.get(1));
  }

  /** A record counting its canonical constructor's runs. */
  record Counted(int n) {
    static final AtomicInteger BUILT = new AtomicInteger();

    Counted {
      BUILT.incrementAndGet();
    }
  }

  @Test
  void recordsAreStillRebuiltThroughTheirCanonicalConstructorWhereverTheyAre() throws Exception {
    byte[] plain = ValueWriter.write(new Counted(1));
    assertEquals(ValueFormat.RECORD, plain[2], "a record alone is written as before: no stream");
    Keeper k = new Keeper(); // its list is written by Java serialization, the records in it in memokit's format
    k.list = new ArrayList<>(List.of(new Counted(3)));
    List<Object> value = List.of(new Counted(2), k);
    int before = Counted.BUILT.get();
    List<?> back = (List<?>) roundTrip(value);
    assertEquals(before + 2, Counted.BUILT.get(), "every record read is built by its canonical constructor");
    assertEquals(new Counted(2), back.get(0));
    assertEquals(List.of(new Counted(3)), ((Keeper) back.get(1)).list);
  }

  @Test
  void aRecordsReadResolveAndWriteReplaceAreHonoured() throws Exception {
    assertInstanceOf(Range.class, roundTrip(new RangeProxy(1, 2)), "a record's readResolve, as Java serialization");
  }

  // ---- shared objects and cycles ----------------------------------------------------------------

  /** A tree node: children in a list, each pointing back at its parent; its count of children rebuilt when read. */
  static final class Tree implements Serializable {
    final String name;
    final Tree parent;
    final List<Tree> children = new ArrayList<>();
    transient int childCount;

    Tree(String name, Tree parent) {
      this.name = name;
      this.parent = parent;
      if (parent != null) parent.children.add(this);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      childCount = children.size();
    }
  }

  /** Holds a list, which a Keeper in it may hold too. */
  static final class Keeper implements Serializable {
    List<Object> list;

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
    }
  }

  @Test
  void sharedObjectsStayOneAndCyclesSurviveInsideAndAcrossSuchObjects() throws Exception {
    Box shared = new Box(3);
    List<?> back = (List<?>) roundTrip(List.of(shared, new Wrap(shared, List.of(shared))));
    assertSame(back.get(0), ((Wrap) back.get(1)).box());
    assertSame(back.get(0), ((Wrap) back.get(1)).boxes().get(0));

    Tree root = new Tree("root", null);
    Tree a = new Tree("a", root);
    new Tree("a1", a);
    new Tree("b", root);
    Tree root2 = (Tree) roundTrip(root);
    assertEquals(List.of("a", "b"), root2.children.stream().map(t -> t.name).toList());
    Tree a2 = root2.children.get(0);
    assertSame(root2, a2.parent);
    assertSame(a2, a2.children.get(0).parent);
    assertEquals(2, root2.childCount);
    assertEquals(1, a2.childCount);

    // A list first met inside a Keeper, holding a Keeper that holds the list: one list, one Keeper each.
    Keeper outer = new Keeper();
    Keeper inner = new Keeper();
    outer.list = new ArrayList<>(List.of(inner, "x"));
    inner.list = outer.list;
    Keeper outer2 = (Keeper) roundTrip(outer);
    Keeper inner2 = (Keeper) outer2.list.get(0);
    assertNotSame(outer2, inner2);
    assertSame(outer2.list, inner2.list);
    assertEquals("x", outer2.list.get(1));

    // A list held by the rest of the value and by a Keeper, in either order: one list.
    List<Object> list = new ArrayList<>(List.of("y"));
    Keeper k = new Keeper();
    k.list = list;
    List<?> listFirst = (List<?>) roundTrip(new ArrayList<>(Arrays.asList(list, k)));
    assertSame(listFirst.get(0), ((Keeper) listFirst.get(1)).list);
    List<?> keeperFirst = (List<?>) roundTrip(new ArrayList<>(Arrays.asList(k, list)));
    assertSame(keeperFirst.get(1), ((Keeper) keeperFirst.get(0)).list);
  }

  /** Its writeReplace returns a proxy that holds it: a cycle Java serialization cannot read back either. */
  static final class Looped implements Serializable {
    @Serial
    private Object writeReplace() {
      return new LoopProxy(this);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
      throw new InvalidObjectException("through its proxy");
    }
  }

  static final class LoopProxy {
    final Looped target;

    LoopProxy(Looped target) {
      this.target = target;
    }
  }

  /** The same, written field by field. */
  static final class PlainLooped {
    private Object writeReplace() {
      return new PlainLoopProxy(this);
    }
  }

  static final class PlainLoopProxy {
    final PlainLooped target;

    PlainLoopProxy(PlainLooped target) {
      this.target = target;
    }
  }

  @Test
  void anObjectHeldByItsOwnWriteReplaceProxyIsRefusedRatherThanReadWrong() {
    for (Object looped : List.of(new Looped(), new PlainLooped())) {
      ValueFormat.Unsupported u = assertThrows(ValueFormat.Unsupported.class, () -> ValueWriter.write(looped));
      assertTrue(u.getMessage().contains(looped.getClass().getName()), u.getMessage());
    }
  }

  // ---- hits, allow-lists, corruption ------------------------------------------------------------

  @Test
  void aValueHoldingSuchAnObjectIsDecodedAfreshForEachHit() throws Exception {
    assertFalse(Codec.shared().encode(new Box(1)).shareable());
    assertFalse(Codec.shared().encode(List.of(new Point(1, 2), Unit.INSTANCE)).shareable());
    assertTrue(Codec.shared().encode(List.of(new Point(1, 2))).shareable(), "other values as before");
    assertEquals(Codec.MEMOKIT, Codec.shared().encode(new Box(1)).codec());
  }

  /** A class outside every allow-list here, standing for a gadget. */
  static final class Gadget implements Serializable {
    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
    }
  }

  /** Not Serializable: written field by field. */
  static final class PlainGadget {}

  @Test
  void theAllowListRefusesSuchClassesAndWhatTheyHold() throws Exception {
    Codec codec = Codec.shared();
    String box = Box.class.getName();
    ClassAllowList none = ClassAllowList.of(List.of());
    ClassAllowList boxes = ClassAllowList.of(List.of(box, Keeper.class.getName()));
    byte[] b = codec.encode(List.of(new Box(1))).copy();
    InvalidClassException refused = assertThrows(InvalidClassException.class, () -> codec.decode(Codec.MEMOKIT, b,
        b.length, none));
    assertTrue(refused.getMessage().contains(box), refused.getMessage());
    assertEquals(2, ((Box) ((List<?>) codec.decode(Codec.MEMOKIT, b, b.length, boxes)).get(0)).doubled);

    for (Object gadget : List.of(new Gadget(), new PlainGadget())) {
      Keeper k = new Keeper();
      k.list = new ArrayList<>(List.of(gadget));
      byte[] held = codec.encode(k).copy();
      InvalidClassException e = assertThrows(InvalidClassException.class, () -> codec.decode(Codec.MEMOKIT, held,
          held.length, boxes));
      assertTrue(e.getMessage().contains(gadget.getClass().getName()), e.getMessage());
      assertInstanceOf(gadget.getClass(), ((Keeper) codec.decode(Codec.MEMOKIT, held, held.length)).list.get(0));
    }
  }

  @Test
  void aTornValueHoldingSuchObjectsIsAnErrorNeverAValue() throws Exception {
    byte[] b = ValueWriter.write(List.of(new Box(1), new Tally("t", new Point(1, 2)), new Point(3, 4)));
    assertEquals(ValueFormat.STREAMS, b[2]);
    for (int cut = 0; cut < b.length; cut++) {
      byte[] torn = Arrays.copyOf(b, cut);
      assertThrows(Exception.class, () -> read(torn, null), "cut at " + cut);
    }
  }

  // ---- classes of other versions: readObjectNoData, snippet classes -----------------------------

  private ClassLoader compile(String dir, Map<String, String> sources) throws Exception {
    Path out = Files.createDirectories(tmp.resolve(dir));
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-proc:none"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = tmp.resolve("src-" + dir).resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])));
    return new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
  }

  /** A value of JShell snippet class {@code NoDataSub}, as one session stores it: no superclass. */
  private static final String SESSION_1 = """
      package REPL;
      public class $JShell$11 {
        public static class NoDataSub implements java.io.Serializable {
          public int x;
          public transient int tenfold;
          public NoDataSub(int x) { this.x = x; }
          private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            tenfold = 10 * x;
          }
        }
      }
      """;

  /** Another session, other snippet numbers: NoDataSub now extends NoDataBase, whose data the stored value lacks. */
  private static final Map<String, String> SESSION_2 = Map.of("REPL.$JShell$14", """
      package REPL;
      public class $JShell$14 {
        public static class NoDataBase implements java.io.Serializable {
          public int y = 5;
          private void readObjectNoData() { y = -1; }
        }
      }
      """, "REPL.$JShell$15", """
      package REPL;
      public class $JShell$15 {
        public static class NoDataSub extends REPL.$JShell$14.NoDataBase {
          public int x;
          public transient int tenfold;
          private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            tenfold = 10 * x;
          }
        }
      }
      """);

  private static ValueReader.ClassFinder session(ClassLoader loader, String wrapper) {
    return name -> {
      String snippet = ValueReader.snippetName(name);
      return Class.forName(snippet == null ? name : "REPL." + wrapper + "$" + snippet, false, loader);
    };
  }

  @Test
  void readObjectNoDataRunsForASuperclassTheStoredValueLacksAndSnippetClassesMatchByStableName() throws Exception {
    ClassLoader one = compile("one", Map.of("REPL.$JShell$11", SESSION_1));
    Object stored = one.loadClass("REPL.$JShell$11$NoDataSub").getConstructor(int.class).newInstance(4);
    byte[] b = ValueWriter.write(List.of(stored));

    ClassLoader two = compile("two", SESSION_2);
    Object back = ((List<?>) ValueReader.read(b, b.length, session(two, "$JShell$15"), null)).get(0);
    Class<?> sub = back.getClass();
    assertEquals("REPL.$JShell$15$NoDataSub", sub.getName());
    assertEquals(4, sub.getField("x").get(back));
    assertEquals(40, sub.getField("tenfold").get(back));
    assertEquals(-1, sub.getField("y").get(back), "readObjectNoData of the superclass the stored value lacks");

    ClassAllowList subOnly = ClassAllowList.of(List.of("REPL.$JShell$15$NoDataSub"));
    InvalidClassException refused = assertThrows(InvalidClassException.class, () -> ValueReader.read(b, b.length,
        session(two, "$JShell$15"), subOnly), "the superclass's readObjectNoData is code of a class outside the list");
    assertTrue(refused.getMessage().contains("REPL.$JShell$14$NoDataBase"), refused.getMessage());

    ClassLoader other = compile("other", Map.of("REPL.$JShell$20", SESSION_1.replace("$JShell$11", "$JShell$20")
        .replace("public int x;", "public long x;").replace("int x)", "long x)").replace("10 * x", "(int) (10 * x)")));
    ValueReader.IncompatibleClassException e = assertThrows(ValueReader.IncompatibleClassException.class,
        () -> ValueReader.read(b, b.length, session(other, "$JShell$20"), null));
    assertEquals("the stored value holds NoDataSub serialized as (fields, int x), but NoDataSub here is serialized "
        + "as (fields, long x)", e.getMessage());
  }

  @Test
  void theRuleCoversClassesThatDefineTheirFormAndNoOthers() {
    for (Class<?> c : List.of(Box.class, Tally.class, Unit.class, Range.class, Measure.class, Tree.class)) {
      assertTrue(SerialContract.definesForm(c), c.getName());
    }
    for (Class<?> c : List.of(Nothing.class, RangeProxy.class, Point.class, LoopProxy.class, String.class,
        ArrayList.class, IllegalStateException.class, ValueCodecTest.Colour.class)) {
      assertFalse(SerialContract.definesForm(c), c.getName());
    }
  }
}
