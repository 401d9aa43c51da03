package io.memokit.codec;

import static io.memokit.codec.ValueFormat.*;

import io.memokit.function.KeyWriter;
import io.memokit.function.TypeNames;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes a value in memokit's {@link ValueFormat}. A value holding something the format cannot
 * hold (a JDK class it does not know, a cycle through a record) raises {@link ValueFormat.Unsupported}
 * naming it, and the caller uses another codec. An object whose class defines its serialized form
 * ({@link SerialContract}) is written by Java serialization, by its own rules ({@link SerialOut}).
 * One writer per encoding.
 */
public final class ValueWriter {

  /** Each thread's buffer, reused by its next encoding (as FST reuses its own), up to this size. */
  private static final int RETAINED = 32 << 20;
  private static final ThreadLocal<byte[]> BUFFERS = new ThreadLocal<>();

  private byte[] buf;
  private int pos;
  private final Map<Class<?>, Integer> classes = new HashMap<>();
  /**
   * The shared values written so far, by number. Sized for a small value (most are): it grows as a
   * value holds more, and the records and replacements below are made only for a value that needs them.
   */
  private final IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>(8);
  private IdentityHashMap<Object, Boolean> recordsInProgress;
  /** Objects whose writeReplace's result is being written in their place. */
  private IdentityHashMap<Object, Boolean> replacing;
  private int objects;
  /** The Java-serialization streams of the objects that define their serialized form; null until one is written. */
  private SerialOut serial;
  /**
   * Whether the value holds an object a caller could change (a non-empty array, a modifiable
   * collection, an object of a plain class, an exception, an expression): such a value is decoded
   * afresh for each hit, so that no caller can change what the next one gets (and expressions start
   * unevaluated, as stored).
   */
  private boolean mutable;
  /** How many items enclose the one being written ({@link ValueFormat#MAX_DEPTH}). */
  private int depth;

  private ValueWriter(byte[] buf) {
    this.buf = buf;
  }

  /** An encoding: {@code buffer[0, length)}, the buffer the writer grew (not copied). */
  public record Written(byte[] buffer, int length, boolean mutable) {}

  /** {@code strings} as the format writes a count of byte strings: the count, then each one's length and bytes. */
  static byte[] byteStrings(byte[][] strings) {
    ValueWriter w = new ValueWriter(new byte[64]);
    w.varint(strings.length);
    for (byte[] s : strings) w.bytes(s);
    return Arrays.copyOf(w.buf, w.pos);
  }

  /** The encoding of {@code value}; {@link ValueFormat.Unsupported} if the format cannot hold it. */
  public static byte[] write(Object value) throws IOException {
    Written w = encode(value);
    return Arrays.copyOf(w.buffer(), w.length());
  }

  /**
   * The encoding of {@code value} in this thread's buffer, without a copy: valid until the thread's
   * next encoding, so write it right away or copy it.
   */
  public static Written encode(Object value) throws IOException {
    byte[] own = BUFFERS.get();
    BUFFERS.set(null); // an encoding started inside this one (a writeReplace) gets a buffer of its own
    ValueWriter w = new ValueWriter(own != null ? own : new byte[4096]);
    try {
      w.byte1(MAGIC);
      w.byte1(VERSION);
      w.item(value);
      if (w.serial != null) w.streamsFirst();
      return new Written(w.buf, w.pos, w.mutable);
    } finally {
      if (w.buf.length <= RETAINED) BUFFERS.set(w.buf);
    }
  }

  private void item(Object v) throws IOException {
    if (++depth > MAX_DEPTH) {
      throw new Unsupported("the value is nested deeper than " + MAX_DEPTH + " levels, more than memokit's format "
          + "holds");
    }
    writeItem(v);
    depth--;
  }

  private void writeItem(Object v) throws IOException {
    if (v == null) {
      byte1(NULL);
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Integer i) {
      byte1(INT);
      int4(i);
    } else if (v instanceof Long l) {
      byte1(LONG);
      int8(l);
    } else if (v instanceof Double d) {
      byte1(DOUBLE);
      int8(Double.doubleToRawLongBits(d));
    } else if (v instanceof Boolean b) {
      byte1(b ? TRUE : FALSE);
    } else if (v instanceof Float f) {
      byte1(FLOAT);
      int4(Float.floatToRawIntBits(f));
    } else if (v instanceof Short s) {
      byte1(SHORT);
      int4(s);
    } else if (v instanceof Byte b) {
      byte1(BYTE);
      byte1(b);
    } else if (v instanceof Character c) {
      byte1(CHAR);
      int4(c);
    } else if (v.getClass() == BigInteger.class) {
      byte1(BIG_INTEGER);
      bytes(((BigInteger) v).toByteArray());
    } else if (v.getClass() == BigDecimal.class) {
      BigDecimal d = (BigDecimal) v;
      byte1(BIG_DECIMAL);
      int4(d.scale());
      bytes(d.unscaledValue().toByteArray());
    } else if (v instanceof Enum<?> e) {
      byte1(ENUM);
      className(e.getDeclaringClass());
      byte1(STRING); // a constant's name, as string() writes it: an identifier holds no unpaired surrogate
      bytes(EnumNames.of(e.getDeclaringClass()).utf8(e));
    } else if (v instanceof Optional<?> o) {
      if (o.isEmpty()) {
        byte1(OPTIONAL_EMPTY);
      } else {
        byte1(OPTIONAL);
        item(o.get());
      }
    } else if (v instanceof StackTraceElement e) {
      byte1(STACK_ELEMENT);
      item(e.getClassLoaderName());
      item(e.getModuleName());
      item(e.getModuleVersion());
      item(e.getClassName());
      item(e.getMethodName());
      item(e.getFileName());
      int4(e.getLineNumber());
    } else if (v.getClass() == java.util.UUID.class) {
      java.util.UUID u = (java.util.UUID) v;
      byte1(UUID);
      int8(u.getMostSignificantBits());
      int8(u.getLeastSignificantBits());
    } else if (v instanceof java.util.OptionalInt o) {
      byte1(OPTIONAL_INT);
      byte1(o.isPresent() ? 1 : 0);
      if (o.isPresent()) int4(o.getAsInt());
    } else if (v instanceof java.util.OptionalLong o) {
      byte1(OPTIONAL_LONG);
      byte1(o.isPresent() ? 1 : 0);
      if (o.isPresent()) int8(o.getAsLong());
    } else if (v instanceof java.util.OptionalDouble o) {
      byte1(OPTIONAL_DOUBLE);
      byte1(o.isPresent() ? 1 : 0);
      if (o.isPresent()) int8(Double.doubleToRawLongBits(o.getAsDouble()));
    } else if (v.getClass() == java.net.URI.class) {
      byte1(URI);
      string(v.toString());
    } else if (TimeValues.isTime(v)) {
      byte1(TIME);
      string(v.getClass().getName());
      string(v.toString());
    } else if (!reference(v)) {
      shared(v);
    }
  }

  /** Writes a back-reference if {@code v} was written before in this value. */
  private boolean reference(Object v) throws IOException {
    Integer id = seen.get(v);
    if (id == null) return false;
    if (recordsInProgress != null && recordsInProgress.containsKey(v)) {
      throw new Unsupported("the value holds record " + v.getClass().getName() + " inside itself, which a record "
          + "cannot be rebuilt with");
    }
    byte1(REF);
    varint(id);
    return true;
  }

  /** Values that may be shared or hold cycles: numbered, so that later occurrences refer back. */
  private void shared(Object v) throws IOException {
    Class<?> c = v.getClass();
    if (v instanceof Record r) {
      Shapes.RecordShape shape = Shapes.record(c);
      if (replaced(v, shape.writeReplace())) return;
      seen.put(v, objects++);
      if (recordsInProgress == null) recordsInProgress = new IdentityHashMap<>(8);
      recordsInProgress.put(v, Boolean.TRUE);
      record(r, shape);
      recordsInProgress.remove(v);
    } else if (c.isArray()) {
      seen.put(v, objects++);
      if (java.lang.reflect.Array.getLength(v) > 0) mutable = true;
      array(v);
    } else if (v instanceof Collection<?> l && !(v instanceof Set) && listKind(l) > 0) {
      seen.put(v, objects++);
      byte1(LIST);
      int kind = listKind(l);
      byte1(kind);
      noteKind(kind);
      if (kind == COPIES) {
        varint(l.size());
        item(l.isEmpty() ? null : l.iterator().next());
      } else {
        elements(l);
      }
    } else if (c == java.util.BitSet.class) {
      seen.put(v, objects++);
      mutable = true;
      byte1(BIT_SET);
      long[] words = ((java.util.BitSet) v).toLongArray();
      varint(words.length);
      for (long w : words) int8(w);
    } else if (v instanceof Map.Entry<?, ?> e && entryKind(e) > 0) {
      seen.put(v, objects++);
      byte1(MAP_ENTRY);
      int kind = entryKind(e);
      byte1(kind);
      if (kind == ENTRY_SIMPLE) mutable = true;
      item(e.getKey());
      item(e.getValue());
    } else if (v instanceof Set<?> s && setKind(s) > 0) {
      seen.put(v, objects++);
      byte1(SET);
      int kind = setKind(s);
      byte1(kind);
      noteKind(kind);
      if (kind == ENUM_ORDINALS) {
        enumTable(enumType(s));
        varint(s.size());
        for (Object e : s) varint(((Enum<?>) e).ordinal());
      } else {
        elements(s);
      }
    } else if (v instanceof Map<?, ?> m && mapKind(m) > 0) {
      seen.put(v, objects++);
      byte1(MAP);
      int kind = mapKind(m);
      byte1(kind);
      noteKind(kind);
      if (kind == ENUM_ORDINALS) enumTable(enumKeyType(m));
      varint(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (kind == ENUM_ORDINALS) {
          varint(((Enum<?>) e.getKey()).ordinal());
        } else {
          item(e.getKey());
        }
        item(e.getValue());
      }
    } else if (Shapes.isJdk(c) && !(v instanceof Throwable)) {
      // Held by an object that defines its serialized form, it is written as Java serialization writes it there.
      boolean javaForm = serial != null && (serial.wrote(v) || serial.inside() && v instanceof java.io.Serializable);
      if (!javaForm) throw new Unsupported("memokit's format does not hold " + c.getName());
      serial(v);
    } else if (SerialContract.definesForm(c)) {
      serial(v);
    } else {
      object(v);
    }
  }

  /**
   * Writes what {@code writeReplace} (if not null) returns for {@code v} in its place, when that is
   * another object; a later occurrence of {@code v} then refers to it, as in Java serialization.
   */
  private boolean replaced(Object v, java.lang.reflect.Method writeReplace) throws IOException {
    if (writeReplace == null) return false;
    if (replacing == null) replacing = new IdentityHashMap<>(8);
    if (replacing.containsKey(v)) throw heldByItsReplacement(v);
    Object replacement = invoke(writeReplace, v);
    if (replacement == v) return false;
    replacing.put(v, Boolean.TRUE);
    try {
      item(replacement);
    } finally {
      replacing.remove(v);
    }
    Integer id = replacement == null ? null : seen.get(replacement);
    if (id != null) seen.put(v, id);
    return true;
  }

  /** A value holding {@code v} inside what {@code v}'s writeReplace returns: a reader could not give it back. */
  static Unsupported heldByItsReplacement(Object v) {
    return new Unsupported("the value holds " + v.getClass().getName() + " inside the object its writeReplace "
        + "returns, which cannot be read back (nor can Java serialization read it back)");
  }

  /** An object of a class that defines its serialized form: written by Java serialization ({@link SerialOut}). */
  private void serial(Object v) throws IOException {
    mutable = true; // its own methods decide what a reader gets: never shared between callers
    if (serial == null) serial = new SerialOut(this::item);
    int stream = serial.streamFor(v);
    byte1(SERIAL);
    varint(stream);
    serial.write(stream, v);
  }

  /** Puts the streams' bytes before the value's item, where a reader needs them first. */
  private void streamsFirst() throws IOException {
    byte[] item = Arrays.copyOfRange(buf, 2, pos);
    List<byte[]> streams = serial.finish();
    pos = 2;
    byte1(STREAMS);
    varint(streams.size());
    for (byte[] s : streams) bytes(s);
    ensure(item.length);
    System.arraycopy(item, 0, buf, pos, item.length);
    pos += item.length;
  }

  private void record(Record r, Shapes.RecordShape shape) throws IOException {
    byte1(RECORD);
    className(r.getClass());
    varint(shape.names().length);
    for (int i = 0; i < shape.names().length; i++) {
      string(shape.names()[i]);
      item(get(shape.accessors()[i], r));
    }
  }

  private static Object get(MethodHandle accessor, Object target) throws IOException {
    try {
      return accessor.invokeExact(target);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("cannot read a component of " + target.getClass().getName(), t);
    }
  }

  /** A collection of this kind can be changed by whoever holds it, unless immutable, an unmodifiable view or empty. */
  private void noteKind(int kind) {
    if (kind != IMMUTABLE && kind != UNMODIFIABLE && kind != EMPTY && kind != COPIES && kind != UNMODIFIABLE_COLLECTION
        && kind != UNMODIFIABLE_SORTED && kind != UNMODIFIABLE_NAVIGABLE) {
      mutable = true;
    }
  }

  private void object(Object v) throws IOException {
    mutable = true;
    Shapes.ObjectShape shape = Shapes.object(v.getClass());
    if (replaced(v, shape.writeReplace())) return;
    if (v instanceof Throwable t) t.getStackTrace(); // the stack is filled in lazily: make it part of the fields
    seen.put(v, objects++);
    byte1(OBJECT);
    className(v.getClass());
    varint(shape.fields().size());
    for (Field f : shape.fields()) {
      string(Shapes.qualified(f));
      try {
        item(f.get(v));
      } catch (IllegalAccessException e) {
        throw new Unsupported("field " + f + " cannot be read: " + e.getMessage());
      }
    }
  }

  static Object invoke(java.lang.reflect.Method m, Object target) throws IOException {
    try {
      return m.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IOException(m.getName() + " of " + target.getClass().getName() + " failed: " + e.getCause(), e);
    }
  }

  private void elements(Collection<?> c) throws IOException {
    varint(c.size());
    // A Vector's iterator locks it at every step; one copy of its elements locks it once.
    Iterable<?> each = c instanceof java.util.Vector<?> v ? Arrays.asList(v.toArray()) : c;
    for (Object e : each) item(e);
  }

  /**
   * Whether this format writes {@code v}, an object of a JDK class, itself: the kinds {@link #item}
   * and {@link #shared} write; they refuse any other.
   */
  static boolean holds(Object v) {
    Class<?> c = v.getClass();
    return c == String.class || c == Integer.class || c == Long.class || c == Double.class || c == Boolean.class
        || c == Float.class || c == Short.class || c == Byte.class || c == Character.class || c == BigInteger.class
        || c == BigDecimal.class || v instanceof Enum || v instanceof Optional || v instanceof StackTraceElement
        || TimeValues.isTime(v) || c.isArray() || v instanceof Throwable || c == java.util.UUID.class
        || v instanceof java.util.OptionalInt || v instanceof java.util.OptionalLong || v instanceof java.util.OptionalDouble
        || c == java.net.URI.class || c == java.util.BitSet.class || v instanceof Map.Entry<?, ?> e && entryKind(e) > 0
        || v instanceof Collection<?> l && !(v instanceof Set) && listKind(l) > 0 || v instanceof Set<?> s && setKind(s) > 0
        || v instanceof Map<?, ?> m && mapKind(m) > 0;
  }

  // ---- collections: which ones are written as themselves ---------------------------------------

  /** {@code List.of}, {@code Set.of}, {@code Map.of} and their copies: read back as such (no nulls in them). */
  private static final Set<String> IMMUTABLE_CLASSES = Set.of(
      "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$List12",
      "java.util.ImmutableCollections$SubList", "java.util.ImmutableCollections$SetN",
      "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$MapN",
      "java.util.ImmutableCollections$Map1");
  /** Unmodifiable views and singletons: read back as unmodifiable views, in the same order. */
  private static final Set<String> UNMODIFIABLE_CLASSES = Set.of("java.util.Collections$UnmodifiableList",
      "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableSet",
      "java.util.Collections$UnmodifiableMap", "java.util.Collections$SingletonList",
      "java.util.Collections$SingletonSet", "java.util.Collections$SingletonMap");
  private static final Set<String> EMPTY_CLASSES = Set.of("java.util.Collections$EmptyList",
      "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap");

  private static int common(Object c) {
    String name = c.getClass().getName();
    if (EMPTY_CLASSES.contains(name)) return EMPTY;
    if (IMMUTABLE_CLASSES.contains(name)) return IMMUTABLE;
    return UNMODIFIABLE_CLASSES.contains(name) ? UNMODIFIABLE : 0;
  }

  /** The kind of a list, a queue or a plain collection (not a set) this format writes itself, under the list tag; 0 if none. */
  static int listKind(Collection<?> l) {
    Class<?> c = l.getClass();
    if (c == ArrayList.class || c.getName().equals("java.util.Arrays$ArrayList")) return ARRAY_LIST;
    if (c == LinkedList.class) return LINKED_LIST;
    if (c == CopyOnWriteArrayList.class) return COPY_ON_WRITE;
    if (c == ArrayDeque.class) return ARRAY_DEQUE;
    if (c == java.util.Vector.class) return VECTOR;
    if (c == java.util.Stack.class) return STACK;
    if (c == java.util.PriorityQueue.class && ((java.util.PriorityQueue<?>) l).comparator() == null) return PRIORITY_QUEUE;
    if (c == java.util.concurrent.ConcurrentLinkedQueue.class) return CONCURRENT_QUEUE;
    if (c == java.util.concurrent.ConcurrentLinkedDeque.class) return CONCURRENT_DEQUE;
    String name = c.getName();
    if (name.equals("java.util.Collections$CopiesList")) return COPIES;
    if (name.equals("java.util.Collections$UnmodifiableCollection")) return UNMODIFIABLE_COLLECTION;
    return common(l);
  }

  static int setKind(Set<?> s) {
    Class<?> c = s.getClass();
    if (c == HashSet.class) return HASH;
    if (c == LinkedHashSet.class) return LINKED_HASH;
    if (c == TreeSet.class) return orderKind(((SortedSet<?>) s).comparator());
    if (s instanceof EnumSet<?>) return ENUM_ORDINALS;
    if (c == java.util.concurrent.CopyOnWriteArraySet.class) return COPY_ON_WRITE;
    if (c == java.util.concurrent.ConcurrentSkipListSet.class) return naturalOrder(((SortedSet<?>) s).comparator(), CONCURRENT_SKIP);
    if (c.getName().equals("java.util.Collections$UnmodifiableSortedSet")) {
      return naturalOrder(((SortedSet<?>) s).comparator(), UNMODIFIABLE_SORTED);
    }
    if (c.getName().equals("java.util.Collections$UnmodifiableNavigableSet")) {
      return naturalOrder(((SortedSet<?>) s).comparator(), UNMODIFIABLE_NAVIGABLE);
    }
    return common(s);
  }

  static int mapKind(Map<?, ?> m) {
    Class<?> c = m.getClass();
    if (c == HashMap.class) return HASH;
    if (c == LinkedHashMap.class) return LINKED_HASH;
    if (c == TreeMap.class) return orderKind(((SortedMap<?, ?>) m).comparator());
    if (c == ConcurrentHashMap.class) return CONCURRENT_HASH;
    if (c == EnumMap.class) return ENUM_ORDINALS;
    if (c == java.util.Hashtable.class) return HASHTABLE;
    if (c == IdentityHashMap.class) return IDENTITY_HASH;
    if (c == java.util.concurrent.ConcurrentSkipListMap.class) return naturalOrder(((SortedMap<?, ?>) m).comparator(), CONCURRENT_SKIP);
    if (c.getName().equals("java.util.Collections$UnmodifiableSortedMap")) {
      return naturalOrder(((SortedMap<?, ?>) m).comparator(), UNMODIFIABLE_SORTED);
    }
    if (c.getName().equals("java.util.Collections$UnmodifiableNavigableMap")) {
      return naturalOrder(((SortedMap<?, ?>) m).comparator(), UNMODIFIABLE_NAVIGABLE);
    }
    return common(m);
  }

  /** {@code kind} for a sorted collection in natural order; 0 (another codec) for one with a comparator. */
  private static int naturalOrder(Comparator<?> comparator, int kind) {
    return comparator == null ? kind : 0;
  }

  /** {@code Map.entry} and the two entries of {@code AbstractMap}; 0 for other entries (a map's own). */
  static int entryKind(Map.Entry<?, ?> e) {
    Class<?> c = e.getClass();
    if (c.getName().equals("java.util.KeyValueHolder")) return ENTRY_IMMUTABLE;
    if (c == java.util.AbstractMap.SimpleImmutableEntry.class) return ENTRY_SIMPLE_IMMUTABLE;
    return c == java.util.AbstractMap.SimpleEntry.class ? ENTRY_SIMPLE : 0;
  }

  private static int orderKind(Comparator<?> comparator) {
    if (comparator == null || comparator == Comparator.naturalOrder()) return TREE;
    return comparator == Collections.reverseOrder() || comparator == Comparator.reverseOrder() ? TREE_REVERSED : 0;
  }

  /** An enum's class and the names of its constants in their order: what an {@code ENUM_ORDINALS} collection's ordinals index. */
  private void enumTable(Class<?> enumClass) throws IOException {
    className(enumClass);
    byte[] table = EnumNames.of(enumClass).table();
    ensure(table.length);
    System.arraycopy(table, 0, buf, pos, table.length);
    pos += table.length;
  }

  /** The enum of an {@code EnumSet}: its first element's, or for an empty set, that of its complement's first. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<?> enumType(Set<?> s) throws Unsupported {
    Iterator<?> i = s.iterator();
    if (!i.hasNext()) i = EnumSet.complementOf((EnumSet) s).iterator();
    if (!i.hasNext()) throw new Unsupported("an EnumSet of an enum with no constants");
    return ((Enum<?>) i.next()).getDeclaringClass();
  }

  /** {@code EnumMap.keyType}, asked only of an empty map: a map's key is of its key type. */
  private static volatile Field enumMapKeyType;

  /** The enum of an {@code EnumMap}'s keys. */
  private static Class<?> enumKeyType(Map<?, ?> m) throws Unsupported {
    Iterator<?> keys = m.keySet().iterator();
    if (keys.hasNext()) return ((Enum<?>) keys.next()).getDeclaringClass();
    try {
      Field keyType = enumMapKeyType;
      if (keyType == null) {
        keyType = EnumMap.class.getDeclaredField("keyType");
        keyType.setAccessible(true);
        enumMapKeyType = keyType;
      }
      return (Class<?>) keyType.get(m);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new Unsupported("the key type of an EnumMap cannot be read (" + e + ")");
    }
  }

  // ---- arrays ----------------------------------------------------------------------------------

  private void array(Object a) throws IOException {
    if (a instanceof byte[] b) {
      byte1(BYTE_ARRAY);
      bytes(b);
    } else if (a instanceof int[] x) {
      byte1(INT_ARRAY);
      varint(x.length);
      ByteBuffer bb = room(4L * x.length);
      bb.asIntBuffer().put(x);
      pos += 4 * x.length;
    } else if (a instanceof long[] x) {
      byte1(LONG_ARRAY);
      varint(x.length);
      room(8L * x.length).asLongBuffer().put(x);
      pos += 8 * x.length;
    } else if (a instanceof double[] x) {
      byte1(DOUBLE_ARRAY);
      varint(x.length);
      room(8L * x.length).asDoubleBuffer().put(x);
      pos += 8 * x.length;
    } else if (a instanceof float[] x) {
      byte1(FLOAT_ARRAY);
      varint(x.length);
      room(4L * x.length).asFloatBuffer().put(x);
      pos += 4 * x.length;
    } else if (a instanceof short[] x) {
      byte1(SHORT_ARRAY);
      varint(x.length);
      room(2L * x.length).asShortBuffer().put(x);
      pos += 2 * x.length;
    } else if (a instanceof char[] x) {
      byte1(CHAR_ARRAY);
      varint(x.length);
      room(2L * x.length).asCharBuffer().put(x);
      pos += 2 * x.length;
    } else if (a instanceof boolean[] x) {
      byte1(BOOLEAN_ARRAY);
      varint(x.length);
      ensure(x.length);
      for (boolean b : x) buf[pos++] = (byte) (b ? 1 : 0);
    } else {
      Object[] x = (Object[]) a;
      byte1(OBJECT_ARRAY);
      className(a.getClass().getComponentType());
      varint(x.length);
      for (Object e : x) item(e);
    }
  }

  /** A little-endian view of the next {@code n} bytes of the buffer, grown to hold them. */
  private ByteBuffer room(long n) throws Unsupported {
    if (n > Integer.MAX_VALUE - 64) throw new Unsupported("an array of " + n + " bytes");
    ensure((int) n);
    return ByteBuffer.wrap(buf, pos, (int) n).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  // ---- primitives ------------------------------------------------------------------------------

  private void className(Class<?> c) throws IOException {
    Integer known = classes.get(c);
    if (known != null) {
      varint(known + 1);
      return;
    }
    classes.put(c, classes.size());
    varint(0);
    if (c.isHidden() || c.isAnonymousClass()) {
      throw new Unsupported("class " + c.getName() + " has no name another process could find");
    }
    string(storedName(c));
  }

  /** The name {@code c} is stored under (see {@link #STORED_NAMES}). */
  static String storedName(Class<?> c) {
    return STORED_NAMES.get(c);
  }

  /**
   * The name a class is stored under: a JShell snippet class by its stable name (remembered, the
   * first time it is written, so that this process reads such values back), any other by its name.
   */
  private static final ClassValue<String> STORED_NAMES = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> c) {
      if (!TypeNames.isJShellSnippet(c.getName())) return c.getName();
      TypeNames.remember(c);
      return SNIPPET + TypeNames.stable(c);
    }
  };

  private void string(String s) throws IOException {
    if (!KeyWriter.hasUnpairedSurrogate(s)) {
      byte1(STRING);
      bytes(s.getBytes(StandardCharsets.UTF_8));
    } else { // UTF-8 would turn them into '?'
      byte1(STRING16);
      varint(s.length());
      room(2L * s.length()).asCharBuffer().put(s);
      pos += 2 * s.length();
    }
  }

  private void bytes(byte[] b) {
    varint(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  private void byte1(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  private void int4(int v) {
    ensure(4);
    for (int i = 0; i < 4; i++) buf[pos++] = (byte) (v >>> (8 * i));
  }

  private void int8(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) buf[pos++] = (byte) (v >>> (8 * i));
  }

  private void varint(int v) {
    ensure(5);
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  private void ensure(int n) {
    if (buf.length - pos >= n) return;
    long want = Math.max((long) buf.length * 2, (long) pos + n);
    buf = Arrays.copyOf(buf, (int) Math.min(want, Integer.MAX_VALUE - 16));
  }
}
