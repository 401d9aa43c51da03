package io.memokit.codec;

import static io.memokit.codec.ValueFormat.*;

import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Reads a value written by {@link ValueWriter}. Classes are found by name through a
 * {@link ClassFinder} (a snippet class by its stable name among those this process knows); a class
 * whose shape differs from the stored one (other record components, a field the stored value has
 * and this class lacks, a value of another type) raises {@link IncompatibleClassException} in
 * plain words; a class refused by {@code allowed} raises {@link InvalidClassException}. Objects
 * stored by Java serialization are read by it, by their class's own rules ({@link SerialIn}), with
 * the same class finder and allow-list; they cannot be salvaged.
 */
public final class ValueReader {

  /** Finds a class by the name the format stores. */
  @FunctionalInterface
  public interface ClassFinder {
    Class<?> find(String name) throws ClassNotFoundException;
  }

  /** A stored value naming a class this process defines with another shape. */
  public static final class IncompatibleClassException extends IOException {
    IncompatibleClassException(String message) {
      super(message);
    }
  }

  /**
   * What a salvaging read makes of an object, record or enum whose class this process lacks: its
   * stored class name and fields (by qualified name), so that, say, a stored exception can still
   * be reported with its message and stack.
   */
  public record Salvaged(String className, Map<String, Object> fields) {}

  private final ByteBuffer in;
  private final ClassFinder finder;
  private final Predicate<Class<?>> allowed;
  private final boolean salvaging;
  /** The classes named so far, by number; made at the first (a value of JDK types names none). */
  private List<Class<?>> classes;
  /** The stored names of the classes missing here, by number (salvaging only); made at the first. */
  private Map<Integer, String> missing;
  /** The stored name of the class {@link #type()} last returned, when it is missing here (salvaging). */
  private String lastMissing;
  /** The objects read so far, by number, for references to them; made at the first. */
  private List<Object> objects;
  /** The value's Java-serialization streams, if it has any. */
  private SerialIn serial;
  /** How many items enclose the one being read ({@link ValueFormat#MAX_DEPTH}). */
  private int depth;

  private ValueReader(ByteBuffer in, ClassFinder finder, Predicate<Class<?>> allowed, boolean salvaging) {
    this.in = in;
    this.finder = finder;
    this.allowed = allowed;
    this.salvaging = salvaging;
  }

  /** The stable name of the JShell snippet class a stored class name stands for, or null if it names none. */
  public static String snippetName(String storedName) {
    return storedName.startsWith(SNIPPET) ? storedName.substring(SNIPPET.length()) : null;
  }

  /** Whether {@code bytes} start as a value in memokit's format. */
  public static boolean isValue(byte[] bytes, int length) {
    return length >= 2 && bytes[0] == MAGIC && bytes[1] == VERSION;
  }

  /** The value in {@code bytes[0, length)}; {@code allowed == null} allows every class. */
  public static Object read(byte[] bytes, int length, ClassFinder finder, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    return read(bytes, length, finder, allowed, false);
  }

  /**
   * The value in {@code bytes[0, length)}, with every object, record or enum of a class this
   * process lacks read as a {@link Salvaged} instead of failing.
   */
  public static Object salvage(byte[] bytes, int length, ClassFinder finder, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    return read(bytes, length, finder, allowed, true);
  }

  private static Object read(byte[] bytes, int length, ClassFinder finder, Predicate<Class<?>> allowed,
                             boolean salvaging) throws IOException, ClassNotFoundException {
    if (!isValue(bytes, length)) throw new IOException("not a value in memokit's format (or a newer version of it)");
    ValueReader r = new ValueReader(ByteBuffer.wrap(bytes, 2, length - 2).order(ByteOrder.LITTLE_ENDIAN), finder,
        allowed, salvaging);
    try {
      if (r.in.hasRemaining() && (r.in.get(r.in.position()) & 0xff) == STREAMS) r.streams();
      Object v = r.item();
      if (r.in.hasRemaining()) throw new IOException("a stored value has " + r.in.remaining() + " bytes too many");
      return v;
    } catch (java.nio.BufferUnderflowException e) {
      throw new EOFException("a stored value ends early (torn or corrupted)");
    } catch (IndexOutOfBoundsException | NegativeArraySizeException | IllegalArgumentException e) {
      throw new IOException("a stored value is corrupted: " + e, e);
    }
  }

  private Object item() throws IOException, ClassNotFoundException {
    if (++depth > MAX_DEPTH) {
      throw new IOException("a stored value is corrupted: it is nested deeper than " + MAX_DEPTH + " levels, more "
          + "than memokit writes");
    }
    Object v = item(in.get() & 0xff);
    depth--;
    return v;
  }

  private Object item(int tag) throws IOException, ClassNotFoundException {
    return switch (tag) {
      case NULL -> null;
      case FALSE -> Boolean.FALSE;
      case TRUE -> Boolean.TRUE;
      case BYTE -> in.get();
      case SHORT -> (short) in.getInt();
      case INT -> in.getInt();
      case LONG -> in.getLong();
      case FLOAT -> Float.intBitsToFloat(in.getInt());
      case DOUBLE -> Double.longBitsToDouble(in.getLong());
      case CHAR -> (char) in.getInt();
      case STRING -> new String(bytes(), StandardCharsets.UTF_8);
      case STRING16 -> string16();
      case BIG_INTEGER -> new BigInteger(bytes());
      case BIG_DECIMAL -> {
        int scale = in.getInt();
        yield new BigDecimal(new BigInteger(bytes()), scale);
      }
      case ENUM -> enumConstant();
      case OPTIONAL_EMPTY -> Optional.empty();
      case OPTIONAL -> Optional.ofNullable(item());
      case STACK_ELEMENT -> new StackTraceElement((String) item(), (String) item(), (String) item(), (String) item(),
          (String) item(), (String) item(), in.getInt());
      case TIME -> TimeValues.parse(text(), text());
      case UUID -> new java.util.UUID(in.getLong(), in.getLong());
      case OPTIONAL_INT -> in.get() == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(in.getInt());
      case OPTIONAL_LONG -> in.get() == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(in.getLong());
      case OPTIONAL_DOUBLE -> in.get() == 0 ? java.util.OptionalDouble.empty()
          : java.util.OptionalDouble.of(Double.longBitsToDouble(in.getLong()));
      case URI -> java.net.URI.create(text());
      case BIT_SET -> bitSet();
      case MAP_ENTRY -> entry(in.get());
      case REF -> objects().get(varint());
      case RECORD -> record();
      case LIST -> list(in.get());
      case SET -> set(in.get());
      case MAP -> map(in.get());
      case OBJECT_ARRAY -> objectArray();
      case OBJECT -> object();
      case SERIAL -> {
        if (serial == null) throw new IOException("a stored value is corrupted: an object of streams it lacks");
        yield serial.read(varint());
      }
      case BOOLEAN_ARRAY, BYTE_ARRAY, SHORT_ARRAY, CHAR_ARRAY, INT_ARRAY, LONG_ARRAY, FLOAT_ARRAY, DOUBLE_ARRAY ->
          register(primitiveArray(tag));
      default -> throw new IOException("a stored value has an unknown tag " + tag + " (corrupted, or written by a "
          + "newer memokit)");
    };
  }

  /** Reads the table of the value's Java-serialization streams ({@link SerialIn} opens each on first use). */
  private void streams() {
    in.get();
    int n = length(1);
    int[] starts = new int[n];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = varint();
      starts[i] = in.position();
      in.position(starts[i] + lengths[i]); // past the end: IllegalArgumentException, reported as corrupted
    }
    serial = new SerialIn(in.array(), starts, lengths, this::admitted, allowed, this::item);
  }

  private <T> T register(T o) {
    objects().add(o);
    return o;
  }

  /**
   * Numbers the object read next before its parts are read (they may refer back to it): its slot
   * holds {@code null} until {@code objects.set(index, ...)}.
   */
  private int reserve() {
    List<Object> o = objects();
    o.add(null);
    return o.size() - 1;
  }

  private List<Object> objects() {
    if (objects == null) objects = new ArrayList<>(4);
    return objects;
  }

  private List<Class<?>> classes() {
    if (classes == null) classes = new ArrayList<>(4);
    return classes;
  }

  private String text() throws IOException {
    int tag = in.get() & 0xff;
    if (tag == STRING) return new String(bytes(), StandardCharsets.UTF_8);
    if (tag == STRING16) return string16();
    throw new IOException("a stored value is corrupted: text expected, tag " + tag + " found");
  }

  private String string16() {
    char[] c = new char[length(2)];
    in.asCharBuffer().get(c);
    in.position(in.position() + 2 * c.length);
    return new String(c);
  }

  private Class<?> type() throws IOException, ClassNotFoundException {
    int n = varint();
    if (n > 0) {
      lastMissing = missing == null ? null : missing.get(n - 1);
      return classes().get(n - 1);
    }
    String name = text();
    Class<?> c;
    try {
      c = admitted(name);
    } catch (ClassNotFoundException e) {
      if (!salvaging) throw e;
      if (missing == null) missing = new HashMap<>();
      missing.put(classes().size(), name);
      classes.add(Salvaged.class);
      lastMissing = name;
      return Salvaged.class;
    }
    classes().add(c);
    lastMissing = null;
    return c;
  }

  /** The class stored as {@code name}; refused with {@link InvalidClassException} if {@code allowed} rejects it. */
  private Class<?> admitted(String name) throws IOException, ClassNotFoundException {
    Class<?> c;
    try {
      c = finder.find(name);
    } catch (ClassNotFoundException e) {
      String shown = name.startsWith(SNIPPET) ? name.substring(SNIPPET.length()) + " (defined in a JShell snippet or "
          + "notebook cell)" : name;
      throw new ClassNotFoundException("class " + shown + " is not defined in this process", e);
    }
    if (allowed != null && !allowed.test(c)) {
      throw new InvalidClassException(c.getName(), "not in this store's allowed classes");
    }
    return c;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object enumConstant() throws IOException, ClassNotFoundException {
    Class<?> c = type();
    String missingName = lastMissing;
    if (c.isEnum() && in.hasArray() && (in.get(in.position()) & 0xff) == STRING) {
      int start = in.position();
      in.get();
      int length = length(1);
      Object constant = EnumNames.of(c).find(in.array(), in.arrayOffset() + in.position(), length);
      if (constant != null) {
        in.position(in.position() + length);
        return constant;
      }
      in.position(start); // not a name of this enum here: read as text, and say so
    }
    String name = text();
    if (c == Salvaged.class) return new Salvaged(missingName, Map.of("name", name));
    if (!c.isEnum()) throw new IncompatibleClassException(name(c) + " is stored as an enum, but is not one here");
    try {
      return Enum.valueOf((Class) c, name);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleClassException("enum " + name(c) + " has no constant " + name + " here");
    }
  }

  /**
   * The constants of {@code type} by the writer's ordinals, from the names its table stores: this
   * enum's own constants when the writer's names are this enum's, in the same order (one comparison
   * of the table's bytes); else each looked up by its name, a name this enum lacks kept as such.
   */
  private Object[] enumTable(Class<?> type) throws IOException {
    if (!type.isEnum()) throw new IncompatibleClassException(name(type) + " is stored as an enum, but is not one here");
    EnumNames names = EnumNames.of(type);
    int at = in.arrayOffset() + in.position();
    if (names.tableAt(in.array(), at, in.remaining())) {
      in.position(in.position() + names.table().length);
      return names.constants();
    }
    Object[] byOrdinal = new Object[length(1)];
    for (int i = 0; i < byOrdinal.length; i++) {
      int length = length(1);
      int from = in.arrayOffset() + in.position();
      Object constant = names.find(in.array(), from, length);
      byOrdinal[i] = constant != null ? constant : new MissingConstant(new String(in.array(), from, length,
          StandardCharsets.UTF_8));
      in.position(in.position() + length);
    }
    return byOrdinal;
  }

  /** A name an enum's stored table holds that the enum here has no constant of. */
  private record MissingConstant(String name) {}

  /** The constant of writer's ordinal {@code ordinal} in {@code byOrdinal} ({@link #enumTable}). */
  private Object enumConstant(Class<?> type, Object[] byOrdinal, int ordinal) throws IOException {
    if (ordinal >= byOrdinal.length) {
      throw new IOException("a stored value is corrupted: ordinal " + ordinal + " of an enum of " + byOrdinal.length
          + " constants");
    }
    Object constant = byOrdinal[ordinal];
    if (constant instanceof MissingConstant m) {
      throw new IncompatibleClassException("enum " + name(type) + " has no constant " + m.name() + " here");
    }
    return constant;
  }

  private Object record() throws IOException, ClassNotFoundException {
    Class<?> c = type();
    String missingName = lastMissing;
    int index = reserve();
    int n = length(2);
    String[] names = new String[n];
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      names[i] = text();
      values[i] = item();
    }
    if (c == Salvaged.class) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) fields.put(names[i], values[i]);
      Salvaged salvaged = new Salvaged(missingName, fields);
      objects.set(index, salvaged);
      return salvaged;
    }
    if (!c.isRecord()) throw new IncompatibleClassException(name(c) + " is stored as a record, but is not one here");
    Shapes.RecordShape shape = Shapes.record(c);
    if (!Arrays.equals(shape.names(), names)) {
      throw new IncompatibleClassException("the stored value holds record " + name(c) + "(" + String.join(", ", names)
          + "), but " + name(c) + " here is " + name(c) + "(" + String.join(", ", shape.names()) + ")");
    }
    Object r;
    try {
      r = shape.constructor().newInstance(values);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleClassException("the stored components of record " + name(c) + " do not fit the types of "
          + "its components here: " + Arrays.toString(shape.constructor().getParameterTypes()));
    } catch (ReflectiveOperationException e) {
      throw new IOException("record " + name(c) + " could not be rebuilt: " + e.getCause(), e);
    }
    if (shape.readResolve() != null) r = ValueWriter.invoke(shape.readResolve(), r);
    objects.set(index, r);
    return r;
  }

  private Object bitSet() {
    long[] words = new long[length(8)];
    for (int i = 0; i < words.length; i++) words[i] = in.getLong();
    return register(java.util.BitSet.valueOf(words));
  }

  private Object entry(int kind) throws IOException, ClassNotFoundException {
    int index = reserve();
    Object k = item();
    Object v = item();
    Map.Entry<Object, Object> e = switch (kind) {
      case ENTRY_IMMUTABLE -> Map.entry(k, v);
      case ENTRY_SIMPLE_IMMUTABLE -> new java.util.AbstractMap.SimpleImmutableEntry<>(k, v);
      case ENTRY_SIMPLE -> new java.util.AbstractMap.SimpleEntry<>(k, v);
      default -> throw new IOException("a stored map entry has an unknown kind " + kind);
    };
    objects.set(index, e);
    return e;
  }

  private Object list(int kind) throws IOException, ClassNotFoundException {
    if (kind == COPIES) {
      int index = reserve();
      int n = varint();
      List<Object> copies = Collections.nCopies(n, item());
      objects.set(index, copies);
      return copies;
    }
    java.util.Collection<Object> plain = switch (kind) {
      case ARRAY_DEQUE -> new ArrayDeque<>();
      case VECTOR -> new java.util.Vector<>();
      case STACK -> new java.util.Stack<>();
      case PRIORITY_QUEUE -> new java.util.PriorityQueue<>();
      case CONCURRENT_QUEUE -> new java.util.concurrent.ConcurrentLinkedQueue<>();
      case CONCURRENT_DEQUE -> new java.util.concurrent.ConcurrentLinkedDeque<>();
      case UNMODIFIABLE_COLLECTION -> new ArrayList<>();
      default -> null;
    };
    if (plain != null) {
      Object result = register(kind == UNMODIFIABLE_COLLECTION ? Collections.unmodifiableCollection(plain) : plain);
      int n = length(1);
      if (plain instanceof java.util.Vector<Object> v) { // synchronized: filled with one call, not one per element
        Object[] elements = new Object[n];
        for (int i = 0; i < n; i++) elements[i] = item();
        v.addAll(Arrays.asList(elements));
      } else {
        for (int i = 0; i < n; i++) plain.add(item());
      }
      return result;
    }
    if (kind == IMMUTABLE) {
      int index = reserve();
      int n = length(1);
      List<Object> elements = new ArrayList<>(n);
      for (int i = 0; i < n; i++) elements.add(item());
      List<Object> l = List.copyOf(elements);
      objects.set(index, l);
      return l;
    }
    List<Object> backing = switch (kind) {
      case ARRAY_LIST, UNMODIFIABLE -> new ArrayList<>();
      case LINKED_LIST -> new LinkedList<>();
      case COPY_ON_WRITE -> new CopyOnWriteArrayList<>();
      case EMPTY -> Collections.emptyList();
      default -> throw new IOException("a stored list has an unknown kind " + kind);
    };
    List<Object> l = kind == UNMODIFIABLE ? Collections.unmodifiableList(backing) : backing;
    register(l);
    int n = length(1);
    for (int i = 0; i < n; i++) backing.add(item());
    return l;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object set(int kind) throws IOException, ClassNotFoundException {
    if (kind == ENUM_ORDINALS) {
      Class<?> type = type();
      Object[] byOrdinal = enumTable(type);
      Set<Object> s = register((Set) EnumSet.noneOf((Class) type));
      int n = length(1);
      for (int i = 0; i < n; i++) s.add(enumConstant(type, byOrdinal, varint()));
      return s;
    }
    Set<Object> s = switch (kind) {
      case HASH -> new HashSet<>();
      case LINKED_HASH -> new LinkedHashSet<>();
      case TREE -> new TreeSet<>();
      case TREE_REVERSED -> new TreeSet<>(Collections.reverseOrder());
      case ENUM_KIND -> (Set) EnumSet.noneOf((Class) type());
      case COPY_ON_WRITE -> new java.util.concurrent.CopyOnWriteArraySet<>();
      case CONCURRENT_SKIP -> new java.util.concurrent.ConcurrentSkipListSet<>();
      case UNMODIFIABLE, UNMODIFIABLE_SORTED, UNMODIFIABLE_NAVIGABLE -> {
        Set<Object> backing = kind == UNMODIFIABLE ? new LinkedHashSet<>() : new TreeSet<>();
        Set<Object> view = kind == UNMODIFIABLE ? Collections.unmodifiableSet(backing)
            : kind == UNMODIFIABLE_SORTED ? Collections.unmodifiableSortedSet((TreeSet<Object>) backing)
            : Collections.unmodifiableNavigableSet((TreeSet<Object>) backing);
        register(view);
        int n = length(1);
        for (int i = 0; i < n; i++) backing.add(item());
        yield view;
      }
      case EMPTY -> {
        varint();
        yield register(Collections.emptySet());
      }
      case IMMUTABLE -> {
        int index = reserve();
        int n = length(1);
        Set<Object> elements = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) elements.add(item());
        Set<Object> copy = Set.copyOf(elements);
        objects.set(index, copy);
        yield copy;
      }
      default -> throw new IOException("a stored set has an unknown kind " + kind);
    };
    if (kind == UNMODIFIABLE || kind == UNMODIFIABLE_SORTED || kind == UNMODIFIABLE_NAVIGABLE || kind == EMPTY
        || kind == IMMUTABLE) {
      return s;
    }
    register(s);
    int n = length(1);
    for (int i = 0; i < n; i++) s.add(item());
    return s;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object map(int kind) throws IOException, ClassNotFoundException {
    if (kind == IMMUTABLE) {
      int index = reserve();
      int n = length(1);
      Map<Object, Object> entries = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        Object k = item();
        entries.put(k, item());
      }
      Map<Object, Object> copy = Map.copyOf(entries);
      objects.set(index, copy);
      return copy;
    }
    if (kind == ENUM_ORDINALS) {
      Class<?> type = type();
      Object[] byOrdinal = enumTable(type);
      Map<Object, Object> m = register(new EnumMap(type));
      int n = length(1);
      for (int i = 0; i < n; i++) {
        Object k = enumConstant(type, byOrdinal, varint());
        m.put(k, item());
      }
      return m;
    }
    Map<Object, Object> m = switch (kind) {
      case HASH -> new HashMap<>();
      case LINKED_HASH, UNMODIFIABLE -> new LinkedHashMap<>();
      case TREE -> new TreeMap<>();
      case TREE_REVERSED -> new TreeMap<>(Collections.reverseOrder());
      case CONCURRENT_HASH -> new ConcurrentHashMap<>();
      case ENUM_KIND -> new EnumMap(type());
      case EMPTY -> Collections.emptyMap();
      case HASHTABLE -> new java.util.Hashtable<>();
      case IDENTITY_HASH -> new java.util.IdentityHashMap<>();
      case CONCURRENT_SKIP -> new java.util.concurrent.ConcurrentSkipListMap<>();
      case UNMODIFIABLE_SORTED, UNMODIFIABLE_NAVIGABLE -> new TreeMap<>();
      default -> throw new IOException("a stored map has an unknown kind " + kind);
    };
    Map<Object, Object> result = kind == UNMODIFIABLE ? Collections.unmodifiableMap(m)
        : kind == UNMODIFIABLE_SORTED ? Collections.unmodifiableSortedMap((TreeMap<Object, Object>) m)
        : kind == UNMODIFIABLE_NAVIGABLE ? Collections.unmodifiableNavigableMap((TreeMap<Object, Object>) m) : m;
    register(result);
    int n = length(1);
    for (int i = 0; i < n; i++) {
      Object k = item();
      m.put(k, item());
    }
    return result;
  }

  private Object objectArray() throws IOException, ClassNotFoundException {
    Class<?> component = type();
    if (component == Salvaged.class) component = Object.class;
    int n = length(1);
    Object[] a = (Object[]) Array.newInstance(component, n);
    register(a);
    try {
      for (int i = 0; i < n; i++) a[i] = item();
    } catch (ArrayStoreException e) {
      throw new IncompatibleClassException("a stored " + name(component) + "[] holds a value of another type here ("
          + e.getMessage() + ")");
    }
    return a;
  }

  private Object primitiveArray(int tag) {
    if (tag == BYTE_ARRAY) return bytes();
    int n = length(tag == BOOLEAN_ARRAY ? 1 : tag == SHORT_ARRAY || tag == CHAR_ARRAY ? 2
        : tag == INT_ARRAY || tag == FLOAT_ARRAY ? 4 : 8);
    Object a;
    switch (tag) {
      case INT_ARRAY -> {
        int[] x = new int[n];
        in.asIntBuffer().get(x);
        in.position(in.position() + 4 * n);
        a = x;
      }
      case LONG_ARRAY -> {
        long[] x = new long[n];
        in.asLongBuffer().get(x);
        in.position(in.position() + 8 * n);
        a = x;
      }
      case DOUBLE_ARRAY -> {
        double[] x = new double[n];
        in.asDoubleBuffer().get(x);
        in.position(in.position() + 8 * n);
        a = x;
      }
      case FLOAT_ARRAY -> {
        float[] x = new float[n];
        in.asFloatBuffer().get(x);
        in.position(in.position() + 4 * n);
        a = x;
      }
      case SHORT_ARRAY -> {
        short[] x = new short[n];
        in.asShortBuffer().get(x);
        in.position(in.position() + 2 * n);
        a = x;
      }
      case CHAR_ARRAY -> {
        char[] x = new char[n];
        in.asCharBuffer().get(x);
        in.position(in.position() + 2 * n);
        a = x;
      }
      default -> {
        boolean[] x = new boolean[n];
        for (int i = 0; i < n; i++) x[i] = in.get() != 0;
        a = x;
      }
    }
    return a;
  }

  private Object object() throws IOException, ClassNotFoundException {
    Class<?> c = type();
    if (c == Salvaged.class) {
      Salvaged salvaged = register(new Salvaged(lastMissing, new LinkedHashMap<>()));
      int n = length(1);
      for (int i = 0; i < n; i++) {
        String name = text();
        salvaged.fields().put(name, item());
      }
      return salvaged;
    }
    if (SerialContract.definesForm(c)) {
      // Written field by field by a memokit that bypassed the class's own serialization methods: the
      // fields they restore (a transient cache, a derived field) would come back wrong.
      throw new IncompatibleClassException("the stored value holds a " + name(c) + " written field by field, "
          + "bypassing the serialization methods it defines (readObject, ...); its cell was stored by an earlier "
          + "memokit: clear it (f.clear()) to store it anew");
    }
    Shapes.ObjectShape shape = Shapes.object(c);
    Object o;
    try {
      o = shape.instantiator().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IOException(name(c) + " could not be instantiated: " + e.getCause(), e);
    }
    int index = objects().size();
    register(o);
    int n = length(1);
    for (int i = 0; i < n; i++) {
      String name = text();
      Object value = item();
      Field f = shape.byName().get(name);
      if (f == null) {
        if (name.startsWith("java.")) continue; // a JDK-internal field another JDK version has: its default stays
        throw new IncompatibleClassException("the stored value holds field " + name + ", which " + name(c)
            + " here does not have");
      }
      try {
        f.set(o, value);
      } catch (IllegalArgumentException e) {
        throw new IncompatibleClassException("field " + name + " of " + name(c) + " is of type "
            + f.getType().getName() + " here, but holds a " + (value == null ? "null" : value.getClass().getName())
            + " in the stored value");
      } catch (IllegalAccessException e) {
        throw new IOException("field " + name + " of " + name(c) + " cannot be set: " + e.getMessage(), e);
      }
    }
    if (shape.readResolve() != null) {
      o = ValueWriter.invoke(shape.readResolve(), o);
      objects.set(index, o);
    }
    return o;
  }

  private static String name(Class<?> c) {
    return io.memokit.function.TypeNames.stable(c);
  }

  private byte[] bytes() {
    byte[] b = new byte[length(1)];
    in.get(b);
    return b;
  }

  /**
   * A stored count of things of at least {@code bytesEach} bytes each, refused as corrupted when
   * they could not fit in the bytes left: whoever wrote the value, reading never allocates more
   * than its stored size warrants.
   */
  private int length(int bytesEach) {
    int n = varint();
    if ((long) n * bytesEach > in.remaining()) {
      throw new IllegalArgumentException("a stored length of " + n + " exceeds the " + in.remaining() + " bytes left");
    }
    return n;
  }

  private int varint() {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.get() & 0xff;
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (v < 0) throw new IllegalArgumentException("negative length");
        return v;
      }
    }
    throw new IllegalArgumentException("a length of more than 5 bytes");
  }
}
