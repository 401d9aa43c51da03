package io.memokit.function;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Writes the canonical encoding of argument values: a type tag, then the content, so that equal
 * values give equal bytes in every JVM and run, and values of different types never collide
 * ({@code 1} and {@code 1L} differ). Lists of any implementation encode alike; sets and maps that
 * compare by {@code equals} ({@link Membership}) are encoded in a content-defined order; records by
 * class and components; {@code java.time} values by their fields ({@link TimeKeys}); named
 * functions by name and version; {@link KeyedByDefinition} values by their definition. Any other
 * type is refused with a {@link KeyException}. Cycles and nesting deeper than {@value #MAX_DEPTH}
 * are refused too.
 *
 * <p>Encodings up to {@value #STORED_LIMIT} bytes are kept whole; longer ones are streamed through
 * the hash, so a 100 MiB array costs one pass at memory speed and no copy of itself.
 */
public final class KeyWriter {

  /** Largest encoding kept whole in a {@link CellKey}; above it only the 128-bit hash is kept. */
  public static final int STORED_LIMIT = 64 * 1024;
  /** Deepest accepted nesting of containers in an argument. */
  public static final int MAX_DEPTH = 256;
  private static final int KEY_FORMAT = 1;

  // Tags. Never renumber: they are part of every stored key.
  static final int NULL = 0x00, FALSE = 0x01, TRUE = 0x02, BYTE = 0x03, SHORT = 0x04, INT = 0x05,
      LONG = 0x06, FLOAT = 0x07, DOUBLE = 0x08, CHAR = 0x09, STRING = 0x0A, BIG_INTEGER = 0x0B,
      BIG_DECIMAL = 0x0C, ENUM = 0x0D, RECORD = 0x0E, OPTIONAL_EMPTY = 0x0F, OPTIONAL = 0x10,
      LIST = 0x11, SET = 0x12, MAP = 0x13, OBJECT_ARRAY = 0x14, TEMPORAL = 0x16,
      BOOLEAN_ARRAY = 0x20, BYTE_ARRAY = 0x21, SHORT_ARRAY = 0x22, CHAR_ARRAY = 0x23, INT_ARRAY = 0x24,
      LONG_ARRAY = 0x25, FLOAT_ARRAY = 0x26, DOUBLE_ARRAY = 0x27,
      FUNCTION = 0x40, DEFINITION = 0x41, FUNCTION_WITH_CODE = 0x42,
      // What a function reads besides its arguments (ImplicitArgs): an ignored argument, the section of
      // values read at call time, a value there counted by its type, a function followed by its reads.
      IGNORED = 0x43, READS = 0x44, BY_TYPE = 0x45, FUNCTION_READING = 0x46,
      // A path of the default file system and a java.io.File, by their text (a notebook's data paths).
      PATH = 0x17, FILE = 0x18;
  // Retired, never reuse: java.time values by class simple name and toString(), which confused unequal
  // values (formatters of different locales, zone rules). Reusing it could match keys in existing stores.
  static final int RETIRED_TIME_TEXT = 0x15;

  private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle CHAR_LE = MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final ThreadLocal<KeyWriter> POOL = ThreadLocal.withInitial(KeyWriter::new);
  /** References between two slots of {@link #BY_THREAD}: 64 bytes or more whatever a reference's size. */
  private static final int SPREAD = 16;
  /**
   * Writers found by their thread's id, so that a call finds its thread's writer without the
   * thread-local lookup (8% of a hit from memory, in a profile): slot {@code (1 + (id & 63)) * SPREAD},
   * one slot per cache line, none in the array's header. A slot is written only when it holds another
   * thread's writer or none, so threads of distinct slots never write a line another thread reads.
   * Read and written without synchronization: a thread trusts only a writer whose {@link #ownerId}
   * (final, so seen whole) is its own, which it made itself; any other, or none, sends it to
   * {@link #POOL}. At most 64 writers of ended threads stay here, until a thread of the same slot
   * takes it.
   */
  private static final KeyWriter[] BY_THREAD = new KeyWriter[65 * SPREAD];
  /**
   * Getters of each record class's component fields, in component order. The fields, not the
   * accessors: an accessor may be overridden to return something else ({@code s.toLowerCase()}),
   * while the fields are the record's whole state, the one its default {@code equals} compares.
   */
  private static final ClassValue<MethodHandle[]> RECORD_FIELDS = new ClassValue<>() {
    @Override
    protected MethodHandle[] computeValue(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      MethodHandle[] handles = new MethodHandle[components.length];
      for (int i = 0; i < components.length; i++) {
        try {
          Field field = type.getDeclaredField(components[i].getName());
          field.setAccessible(true);
          handles[i] = MethodHandles.lookup().unreflectGetter(field).asType(MethodType.methodType(Object.class,
              Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("memokit cannot read its component " + components[i].getName() + " ("
              + e + "); open its package to memokit or pass the components themselves", e);
        }
      }
      return handles;
    }
  };

  private byte[] buf = new byte[256];
  private int pos;
  private boolean streamed;
  private boolean inUse;
  private final Murmur3 hasher = new Murmur3();
  private final long[] hashOut = new long[2];
  // Shared with sub-writers (set elements, map entries) so cycles and depth are seen across them.
  private IdentityHashMap<Object, Boolean> onPath = new IdentityHashMap<>();
  private LinkedHashSet<FunctionId> dependencies = new LinkedHashSet<>();
  private int depth;
  private final boolean keepWhole;
  /** The id of the thread that made this writer (ids are never reused), the one that may use it. */
  private final long ownerId;

  private KeyWriter() {
    this.keepWhole = false;
    this.ownerId = Thread.currentThread().getId();
  }

  private KeyWriter(KeyWriter parent) {
    this.keepWhole = true;
    this.ownerId = parent.ownerId;
    this.onPath = parent.onPath;
    this.dependencies = parent.dependencies;
    this.depth = parent.depth;
    this.byType = parent.byType;
    this.notKeyed = parent.notKeyed;
  }

  /**
   * The key of {@code args}. Throws {@link IllegalArgumentException} naming the argument position,
   * the path inside it and the type when an argument cannot be keyed.
   */
  public static CellKey key(Object[] args) {
    try (Probe p = probe(args)) {
      return p.toKey();
    }
  }

  /**
   * The key of {@code args} computed into this thread's buffer without copying it: to look a cell up
   * in memory right away ({@link Probe#equals} matches the equal {@link CellKey}); {@link Probe#toKey}
   * copies it into a lasting key. The probe holds this thread's buffer until it is {@linkplain Probe#close
   * closed}: a key computed meanwhile on the thread (by code the caller runs, such as a validity rule calling
   * a memoized function) is written into a buffer of its own, never over this one.
   */
  public static Probe probe(Object[] args) {
    return probe(null, args);
  }

  /**
   * {@link #probe(Object[])}, with the refusal's message starting {@code CALLER: } (a block's label):
   * the whole message is built here, once, and the exception has no cause, so that a stack trace
   * says it once (the refusal's own frames, inside the key writer, tell a user nothing).
   */
  public static Probe probe(String caller, Object[] args) {
    return probe(caller, args, ImplicitArgs.NONE);
  }

  /**
   * The key of one call of a function that reads {@code reads} besides its arguments: the arguments
   * (those it ignores as a mark of their own), then, if it reads anything, each value read now, by
   * name. A value read that has no canonical key is written as its type, and the probe lists it
   * ({@link Probe#notKeyed()}); a refused argument raises as in {@link #probe(String, Object[])}.
   */
  public static Probe probe(String caller, Object[] args, ImplicitArgs reads) {
    List<ImplicitArgs.Source> byType = List.of();
    for (;;) {
      KeyWriter w = threadsWriter();
      if (w.inUse) w = new KeyWriter();
      w.begin();
      w.byType = byType;
      try {
        w.writeByte(KEY_FORMAT);
        w.writeByte(args.length);
        for (int i = 0; i < args.length; i++) {
          if (reads.ignoresArg(i)) {
            w.writeByte(IGNORED);
            continue;
          }
          try {
            w.write(args[i]);
          } catch (KeyException e) {
            throw new IllegalArgumentException((caller == null ? "" : caller + ": ") + "argument " + (i + 1)
                + " cannot be part of a cache key: " + e.getMessage());
          }
        }
        if (reads.size() > 0) w.writeReads(reads);
        hashInPlace(w);
        w.probe.notKeyed = w.notKeyed.isEmpty() ? List.of() : List.copyOf(w.notKeyed);
        w.probe.open = true;
        return w.probe; // the writer stays in use until the probe is closed
      } catch (Unkeyable u) {
        w.inUse = false;
        List<ImplicitArgs.Source> more = new ArrayList<>(byType);
        more.add(u.source);
        byType = more;
      } catch (RuntimeException | Error e) {
        w.inUse = false;
        throw e;
      }
    }
  }

  /** A value read at call time that has no canonical key: the probe starts again, writing its type. */
  private static final class Unkeyable extends RuntimeException {
    final ImplicitArgs.Source source;

    Unkeyable(ImplicitArgs.Source source) {
      super(null, null, false, false);
      this.source = source;
    }
  }

  /** Sources to write by type in this probe (their values were refused a key in an earlier attempt). */
  private List<ImplicitArgs.Source> byType = List.of();
  /** {@code name (type)} of each value written by its type in this probe (shared with sub-writers). */
  private List<String> notKeyed = new ArrayList<>(0);

  /**
   * The values {@code reads} reads now, each under its key name. One whose type was refused before,
   * or that an earlier attempt of this probe could not key, is written as its type and noted.
   */
  private void writeReads(ImplicitArgs reads) {
    writeByte(READS);
    writeInt(reads.size());
    for (int i = 0; i < reads.size(); i++) {
      ImplicitArgs.Source s = reads.source(i);
      writeBytes(s.keyNameBytes); // as writeString(s.keyName) writes it
      Object v = s.read();
      if (v != null && (v.getClass() == s.refusedType || byType.contains(s))) {
        writeByte(BY_TYPE);
        writeString(TypeNames.stableType(v.getClass()));
        notKeyed.add(reads.noteNotKeyed(s, v.getClass()));
        continue;
      }
      try {
        write(v);
      } catch (KeyException e) {
        // A type refused as such is always refused: later calls write it by type without trying.
        if (e.refusedType() == v.getClass()) s.refusedType = v.getClass();
        throw new Unkeyable(s);
      }
    }
  }

  /**
   * Readies the probe of {@code w}'s key. A short key (held inline by a {@link CellKey}) is looked up
   * by its bytes alone, and its 128-bit hash is computed only when asked for (a hit from memory never
   * asks); a longer key is hashed now, since its hash is part of its equality.
   */
  private static void hashInPlace(KeyWriter w) {
    Probe p = w.probe;
    p.inline = !w.streamed && w.pos <= CellKey.INLINE_MAX;
    if (p.inline) {
      p.length = w.pos;
      p.w0 = CellKey.word(w.buf, 0, w.pos);
      p.w1 = CellKey.word(w.buf, 8, w.pos);
      p.hashed = false;
      return;
    }
    hash(w);
  }

  private static void hash(KeyWriter w) {
    if (w.streamed) {
      w.hasher.update(w.buf, 0, w.pos);
      w.hasher.finish(w.hashOut);
    } else {
      w.hasher.hashWhole(w.buf, w.pos, w.hashOut); // the whole key in the buffer: no tail to copy
    }
    w.probe.hi = w.hashOut[0];
    w.probe.lo = w.hashOut[1];
    w.probe.hashed = true;
  }

  private final Probe probe = new Probe(this);

  /**
   * A key still in a {@link KeyWriter}'s buffer; see {@link #probe}. It equals, and hashes as, the
   * {@link CellKey} {@link #toKey} makes of it; it holds its writer's buffer until {@link #close}.
   */
  public static final class Probe implements AutoCloseable {
    private final KeyWriter w;
    /** Whether the probe still holds its writer's buffer (until {@link #close}). */
    private boolean open;
    /** Whether the key is short enough to be held inline ({@link #w0}, {@link #w1}) and compared by its bytes. */
    private boolean inline;
    /**
     * A short key's length and bytes, the probe's own: its equality and hash code never read the
     * writer's buffer, which another key may hold once the probe is closed.
     */
    private int length;
    private long w0;
    private long w1;
    /** Whether {@link #hi} and {@link #lo} hold this key's hash (computed at the first need for a short key). */
    private boolean hashed;
    private long hi;
    private long lo;
    private List<String> notKeyed = List.of();

    private Probe(KeyWriter w) {
      this.w = w;
    }

    private void ensureHashed() {
      ensureOpen();
      if (!hashed) hash(w);
    }

    private void ensureOpen() {
      if (!open) throw new IllegalStateException("a key probe was used after it was closed: its buffer may hold another key");
    }

    /** Gives the writer's buffer back to the thread's next key. */
    @Override
    public void close() {
      if (open) {
        open = false;
        w.inUse = false;
      }
    }

    public long hashHi() {
      ensureHashed();
      return hi;
    }

    public long hashLo() {
      ensureHashed();
      return lo;
    }

    /**
     * The values read at call time that had no canonical key and were counted by their type only,
     * each as {@code name (type)}; empty almost always.
     */
    public List<String> notKeyed() {
      return notKeyed;
    }

    /** A lasting copy of this key. */
    public CellKey toKey() {
      ensureHashed();
      List<FunctionId> deps = w.dependencies.isEmpty() ? List.of() : List.copyOf(w.dependencies);
      return new CellKey(w.buf, w.pos, !w.streamed, hi, lo, deps);
    }

    @Override
    public int hashCode() {
      if (inline) return CellKey.inlineHashCode(w0, w1, length);
      return CellKey.hashCodeOf(hi);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof CellKey k)) return false;
      if (inline) return k.holdsInline(length, w0, w1); // the hash is a function of these bytes
      ensureOpen();
      if (k.hashHi() != hi || k.hashLo() != lo) return false;
      if (w.streamed || !k.kept()) return w.streamed && !k.kept();
      return k.encodes(w.buf, w.pos);
    }
  }

  /** This thread's writer from {@link #POOL}, found first in {@link #BY_THREAD}. */
  private static KeyWriter threadsWriter() {
    long id = Thread.currentThread().getId();
    int slot = (1 + ((int) id & 63)) * SPREAD;
    KeyWriter w = BY_THREAD[slot];
    if (w == null || w.ownerId != id) {
      w = POOL.get();
      BY_THREAD[slot] = w;
    }
    return w;
  }

  private void begin() {
    inUse = true;
    pos = 0;
    streamed = false;
    depth = 0;
    // Each container leaves the path as it ends: the path is empty unless a key failed midway, and
    // IdentityHashMap.clear() fills its whole table even then (a fifth of a small hit's time).
    if (!onPath.isEmpty()) onPath.clear();
    if (!dependencies.isEmpty()) dependencies.clear(); // empty for most keys: skip its bookkeeping
    hasher.reset();
    if (!notKeyed.isEmpty()) notKeyed.clear();
  }

  /** Writes any supported value. */
  public void write(Object v) {
    if (v == null) {
      writeByte(NULL);
    } else if (v instanceof String s) {
      writeByte(STRING);
      writeString(s);
    } else if (v instanceof Integer i) {
      writeByte(INT);
      writeInt(i);
    } else if (v instanceof Long l) {
      writeByte(LONG);
      writeLong(l);
    } else if (v instanceof Double d) {
      writeByte(DOUBLE);
      writeLong(Double.doubleToLongBits(d));
    } else if (v instanceof Boolean b) {
      writeByte(b ? TRUE : FALSE);
    } else if (v instanceof KeyedByDefinition def) {
      enter(v);
      writeByte(DEFINITION);
      def.writeKey(this);
      leave(v);
    } else if (v instanceof NamedFunction f) {
      writeNamedFunction(f);
    } else if (v instanceof Character c) {
      writeByte(CHAR);
      writeChar(c);
    } else if (v instanceof Float f) {
      writeByte(FLOAT);
      writeInt(Float.floatToIntBits(f));
    } else if (v instanceof Short s) {
      writeByte(SHORT);
      ensure(2);
      SHORT_LE.set(buf, pos, (short) s);
      pos += 2;
    } else if (v instanceof Byte b) {
      writeByte(BYTE);
      writeByte(b);
    } else if (v instanceof BigInteger b && v.getClass() == BigInteger.class) {
      writeByte(BIG_INTEGER);
      writeBytes(b.toByteArray());
    } else if (v instanceof BigDecimal b && v.getClass() == BigDecimal.class) {
      writeByte(BIG_DECIMAL);
      writeInt(b.scale());
      writeBytes(b.unscaledValue().toByteArray());
    } else if (v instanceof Enum<?> e) {
      writeByte(ENUM);
      writeString(TypeNames.stable(e.getDeclaringClass()));
      writeString(e.name());
    } else if (v instanceof Record r) {
      writeRecord(r);
    } else if (v instanceof Optional<?> o) {
      if (o.isEmpty()) {
        writeByte(OPTIONAL_EMPTY);
      } else {
        enter(v);
        writeByte(OPTIONAL);
        child(o.get(), ".get()");
        leave(v);
      }
    } else if (v instanceof List<?> list) {
      writeList(list);
    } else if (v instanceof Set<?> set) {
      writeSet(set);
    } else if (v instanceof Map<?, ?> map) {
      writeMap(map);
    } else if (v.getClass().isArray()) {
      writeArray(v);
    } else if (v instanceof java.nio.file.Path p) {
      if (p.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
        throw refused(v, "only paths of the default file system are keyed; pass path.toUri() as a string");
      }
      writeByte(PATH);
      writeString(p.toString());
    } else if (v instanceof java.io.File f && v.getClass() == java.io.File.class) {
      writeByte(FILE);
      writeString(f.getPath());
    } else if (!TimeKeys.write(this, v)) {
      throw unsupported(v);
    }
  }

  /** The refusal of a value's type as such: every value of that class is refused. */
  private static KeyException unsupported(Object v) {
    String timeHint = TimeKeys.refusal(v);
    return refused(v, timeHint != null ? timeHint : generalHint(v.getClass())).ofType(v.getClass());
  }

  /**
   * A function as a value: its identity and, when it reads values at call time (a memoized function
   * in a variable, reading variables of its own), those values now, so that a cell taking it, or
   * reading it, depends on what it would compute. A function already being written (a function
   * reading itself through a cycle of variables) is written by identity: its reads are written once,
   * at the outer place.
   */
  private void writeNamedFunction(NamedFunction f) {
    ImplicitArgs reads = f.implicitArgs();
    if (reads.size() == 0 || onPath.containsKey(f)) {
      writeFunction(f.id());
      return;
    }
    enter(f);
    writeByte(FUNCTION_READING);
    writeFunction(f.id());
    writeReads(reads);
    leave(f);
  }

  /** The class refused as such somewhere in {@code v} (see {@link KeyException#refusedType()}), or null if none was. */
  static Class<?> refusedType(Object v) {
    KeyWriter w = new KeyWriter();
    w.begin();
    try {
      w.write(v);
      return null;
    } catch (KeyException e) {
      return e.refusedType();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The key of a function by its identity alone, what it reads left out: the code fingerprint's part. */
  static CellKey identityKey(FunctionId id) {
    KeyWriter w = new KeyWriter();
    w.begin();
    w.writeByte(KEY_FORMAT);
    w.writeByte(1);
    w.writeFunction(id);
    hashInPlace(w);
    w.probe.open = true; // a writer of its own, no thread's: nothing to give back
    return w.probe.toKey();
  }

  /** The refusal of {@code v}'s type, with the reason or hint. */
  static KeyException refused(Object v, String hint) {
    return new KeyException("type " + TypeNames.stable(v.getClass()) + " has no canonical key: " + hint);
  }

  private static String generalHint(Class<?> c) {
    if (c.isSynthetic() || c.getName().contains("$$Lambda")) {
      return "it is an unnamed function (a lambda); give it a name with version(name, v, fn) or memo(name, fn)";
    }
    if (BigInteger.class.isAssignableFrom(c) || BigDecimal.class.isAssignableFrom(c)) {
      return "a subclass may behave unlike the number it holds; pass a plain BigInteger or BigDecimal "
          + "(new BigInteger(x.toByteArray()), new BigDecimal(x.unscaledValue(), x.scale()))";
    }
    return "supported are null, booleans, numbers, chars, strings, enums, records, Optional, List, Set, Map, "
        + "arrays, java.time values (dates, times, instants, durations, periods, zones), paths, files, BigInteger, BigDecimal, "
        + "named functions and expressions; wrap other data in a record of supported components";
  }

  /**
   * Writes a function's identity (with its code fingerprint, if it has one, so that a cell taking a
   * function depends on that function's code) and records it as a dependency when it is versioned.
   */
  public void writeFunction(FunctionId id) {
    writeByte(id.code().isEmpty() ? FUNCTION : FUNCTION_WITH_CODE);
    writeString(id.name());
    writeString(id.version());
    writeByte(id.arity());
    if (!id.code().isEmpty()) writeString(id.code());
    if (!id.version().isEmpty()) dependencies.add(id);
  }

  /** Writes a child value, adding {@code segment} to the error path if it cannot be keyed. */
  public void child(Object value, String segment) {
    try {
      write(value);
    } catch (KeyException e) {
      throw e.at(segment);
    }
  }

  private void enter(Object container) {
    if (onPath.put(container, Boolean.TRUE) != null) {
      throw new KeyException("the value contains itself (a cycle through " + TypeNames.stable(container.getClass())
          + "); a cache key must be a finite tree");
    }
    if (++depth > MAX_DEPTH) {
      throw new KeyException("arguments are nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  private void leave(Object container) {
    onPath.remove(container);
    depth--;
  }

  private void writeRecord(Record r) {
    enter(r);
    Class<?> type = r.getClass();
    writeByte(RECORD);
    writeString(TypeNames.stable(type));
    MethodHandle[] fields = recordFields(r);
    writeInt(fields.length);
    RecordComponent[] components = null;
    for (int i = 0; i < fields.length; i++) {
      Object component;
      try {
        component = fields[i].invokeExact((Object) r);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      try {
        write(component);
      } catch (KeyException e) {
        if (components == null) components = type.getRecordComponents();
        throw e.at("." + components[i].getName() + "()");
      }
    }
    leave(r);
  }

  private static MethodHandle[] recordFields(Record r) {
    try {
      return RECORD_FIELDS.get(r.getClass());
    } catch (IllegalStateException e) {
      throw refused(r, e.getMessage());
    }
  }

  private void writeList(List<?> list) {
    enter(list);
    writeByte(LIST);
    int n = list.size();
    writeInt(n);
    if (list instanceof RandomAccess) {
      for (int i = 0; i < n; i++) indexed(list.get(i), i);
    } else {
      int i = 0;
      for (Object e : list) indexed(e, i++);
    }
    leave(list);
  }

  private void indexed(Object value, int i) {
    try {
      write(value);
    } catch (KeyException e) {
      throw e.at("[" + i + "]");
    }
  }

  private void writeSet(Set<?> set) {
    String why = Membership.refusal(set);
    if (why != null) throw refused(set, why);
    enter(set);
    writeByte(SET);
    List<byte[]> elements = new ArrayList<>(set.size());
    for (Object e : set) {
      KeyWriter sub = new KeyWriter(this);
      try {
        sub.write(e);
      } catch (KeyException ex) {
        throw ex.at("{element " + abbreviate(e) + "}");
      }
      elements.add(Arrays.copyOf(sub.buf, sub.pos));
    }
    writeSorted(elements);
    leave(set);
  }

  private void writeMap(Map<?, ?> map) {
    String why = Membership.refusal(map);
    if (why != null) throw refused(map, why);
    enter(map);
    writeByte(MAP);
    List<byte[]> entries = new ArrayList<>(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      KeyWriter sub = new KeyWriter(this);
      try {
        sub.write(e.getKey());
      } catch (KeyException ex) {
        throw ex.at("{key " + abbreviate(e.getKey()) + "}");
      }
      try {
        sub.write(e.getValue());
      } catch (KeyException ex) {
        throw ex.at("[" + abbreviate(e.getKey()) + "]");
      }
      entries.add(Arrays.copyOf(sub.buf, sub.pos));
    }
    writeSorted(entries);
    leave(map);
  }

  private void writeSorted(List<byte[]> parts) {
    parts.sort(Arrays::compareUnsigned);
    writeInt(parts.size());
    for (byte[] p : parts) writeBytes(p);
  }

  private static String abbreviate(Object o) {
    String s = String.valueOf(o);
    return s.length() > 30 ? s.substring(0, 27) + "..." : s;
  }

  private void writeArray(Object a) {
    if (a instanceof Object[] objects) {
      enter(a);
      writeByte(OBJECT_ARRAY);
      writeInt(objects.length);
      for (int i = 0; i < objects.length; i++) indexed(objects[i], i);
      leave(a);
    } else if (a instanceof double[] d) {
      writeByte(DOUBLE_ARRAY);
      writeInt(d.length);
      int i = 0;
      if (hashesWordsDirectly(8L * d.length)) {
        for (int end = d.length & ~1; i < end; i += 2) {
          hasher.words(Double.doubleToLongBits(d[i]), Double.doubleToLongBits(d[i + 1]));
        }
        if (i < d.length) hasher.word(Double.doubleToLongBits(d[i++]));
        hasher.endWords();
      }
      while (i < d.length) {
        int n = room(8, d.length - i);
        for (int end = i + n; i < end; i++, pos += 8) LONG_LE.set(buf, pos, Double.doubleToLongBits(d[i]));
      }
    } else if (a instanceof long[] l) {
      writeByte(LONG_ARRAY);
      writeInt(l.length);
      int i = 0;
      if (hashesWordsDirectly(8L * l.length)) {
        for (int end = l.length & ~1; i < end; i += 2) hasher.words(l[i], l[i + 1]);
        if (i < l.length) hasher.word(l[i++]);
        hasher.endWords();
      }
      while (i < l.length) {
        int n = room(8, l.length - i);
        for (int end = i + n; i < end; i++, pos += 8) LONG_LE.set(buf, pos, l[i]);
      }
    } else if (a instanceof int[] v) {
      writeByte(INT_ARRAY);
      writeInt(v.length);
      int i = 0;
      if (hashesWordsDirectly(4L * v.length)) {
        for (int end = v.length & ~3; i < end; i += 4) hasher.words(word(v[i], v[i + 1]), word(v[i + 2], v[i + 3]));
        if (v.length - i >= 2) {
          hasher.word(word(v[i], v[i + 1]));
          i += 2;
        }
        hasher.endWords(); // an int left over goes through the buffer
      }
      while (i < v.length) {
        int n = room(4, v.length - i);
        for (int end = i + n; i < end; i++, pos += 4) INT_LE.set(buf, pos, v[i]);
      }
    } else if (a instanceof float[] f) {
      writeByte(FLOAT_ARRAY);
      writeInt(f.length);
      int i = 0;
      if (hashesWordsDirectly(4L * f.length)) {
        for (int end = f.length & ~3; i < end; i += 4) {
          hasher.words(word(Float.floatToIntBits(f[i]), Float.floatToIntBits(f[i + 1])),
              word(Float.floatToIntBits(f[i + 2]), Float.floatToIntBits(f[i + 3])));
        }
        if (f.length - i >= 2) {
          hasher.word(word(Float.floatToIntBits(f[i]), Float.floatToIntBits(f[i + 1])));
          i += 2;
        }
        hasher.endWords(); // a float left over goes through the buffer
      }
      while (i < f.length) {
        int n = room(4, f.length - i);
        for (int end = i + n; i < end; i++, pos += 4) INT_LE.set(buf, pos, Float.floatToIntBits(f[i]));
      }
    } else if (a instanceof byte[] b) {
      writeByte(BYTE_ARRAY);
      writeBytes(b);
    } else if (a instanceof short[] s) {
      writeByte(SHORT_ARRAY);
      writeInt(s.length);
      for (int i = 0; i < s.length; ) {
        int n = room(2, s.length - i);
        for (int end = i + n; i < end; i++, pos += 2) SHORT_LE.set(buf, pos, s[i]);
      }
    } else if (a instanceof char[] c) {
      writeByte(CHAR_ARRAY);
      writeInt(c.length);
      for (int i = 0; i < c.length; ) {
        int n = room(2, c.length - i);
        for (int end = i + n; i < end; i++, pos += 2) CHAR_LE.set(buf, pos, c[i]);
      }
    } else if (a instanceof boolean[] z) {
      writeByte(BOOLEAN_ARRAY);
      writeInt(z.length);
      for (int i = 0; i < z.length; ) {
        int n = room(1, z.length - i);
        for (int end = i + n; i < end; i++) buf[pos++] = (byte) (z[i] ? 1 : 0);
      }
    } else {
      throw unsupported(a);
    }
  }

  /**
   * Whether the next {@code bytes} bytes of an array go straight into the hash as words
   * ({@link Murmur3#beginWords}), read from the array itself: when the key is streamed anyway (it
   * outgrows {@link #STORED_LIMIT}, and is not a part kept whole), after what the buffer holds. The
   * hash is that of the same bytes written through the buffer; the copy into it is saved.
   */
  private boolean hashesWordsDirectly(long bytes) {
    if (!streamsFrom(bytes)) return false;
    hasher.beginWords();
    return true;
  }

  /**
   * Whether a key that has {@code bytes} more bytes to write is streamed: if so, what the buffer
   * holds goes into the hash now, and the buffer starts again empty.
   */
  private boolean streamsFrom(long bytes) {
    if (keepWhole || pos + bytes <= STORED_LIMIT) return false;
    hasher.update(buf, 0, pos);
    streamed = true;
    pos = 0;
    return true;
  }

  /** Two ints as the word of their 8 little-endian bytes, {@code first} in the low half. */
  private static long word(int first, int second) {
    return (first & 0xFFFFFFFFL) | (long) second << 32;
  }

  /** Makes room for up to {@code count} elements of {@code width} bytes; returns how many fit now. */
  private int room(int width, int count) {
    int want = (int) Math.min((long) width * count, 1 << 16);
    ensure(want);
    return Math.min(count, (buf.length - pos) / width);
  }

  public void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  public void writeInt(int v) {
    ensure(4);
    INT_LE.set(buf, pos, v);
    pos += 4;
  }

  public void writeLong(long v) {
    ensure(8);
    LONG_LE.set(buf, pos, v);
    pos += 8;
  }

  private void writeChar(char c) {
    ensure(2);
    CHAR_LE.set(buf, pos, c);
    pos += 2;
  }

  /** Writes a string: length-prefixed, {@linkplain #utf8 UTF-8}; different strings never give equal bytes. */
  public void writeString(String s) {
    if (!writeAscii(s)) writeBytes(utf8(s));
  }

  /** Strings up to this length are tried as ASCII, written in place (no array of their bytes made). */
  private static final int ASCII_IN_PLACE = 256;

  /**
   * Writes {@code s} as {@link #writeBytes writeBytes(utf8(s))} would, in place, if it is short and
   * all ASCII (whose UTF-8 bytes are its chars); otherwise writes nothing and returns false.
   */
  private boolean writeAscii(String s) {
    int n = s.length();
    if (n > ASCII_IN_PLACE) return false;
    ensure(4 + n);
    int p = pos + 4;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) return false;
      buf[p++] = (byte) c;
    }
    INT_LE.set(buf, pos, n);
    pos = p;
    return true;
  }

  /**
   * The UTF-8 bytes of {@code s}. {@link String#getBytes} would turn an unpaired surrogate into
   * {@code ?}, so that {@code "\ud800"} and {@code "?"} were one key; such a string is written in
   * generalized UTF-8 instead (each unpaired surrogate as its own three bytes, which no well-formed
   * string produces), leaving the bytes of every well-formed string unchanged.
   */
  static byte[] utf8(String s) {
    return hasUnpairedSurrogate(s) ? generalizedUtf8(s) : s.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code s} holds a surrogate that is not half of a pair (UTF-8 cannot encode it losslessly). */
  public static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else {
        return true;
      }
    }
    return false;
  }

  /** UTF-8 of the code points of {@code s}, an unpaired surrogate counting as one (U+D800 to U+DFFF). */
  private static byte[] generalizedUtf8(String s) {
    byte[] out = new byte[3 * s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        out[n++] = (byte) cp;
      } else if (cp < 0x800) {
        out[n++] = (byte) (0xC0 | cp >> 6);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else if (cp < 0x10000) {
        out[n++] = (byte) (0xE0 | cp >> 12);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else {
        out[n++] = (byte) (0xF0 | cp >> 18);
        out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Writes a length-prefixed byte string. */
  public void writeBytes(byte[] b) {
    writeInt(b.length);
    if (streamsFrom(b.length)) {
      hasher.update(b, 0, b.length); // straight from the array: no copy through the buffer
      return;
    }
    for (int off = 0; off < b.length; ) {
      int n = Math.min(b.length - off, 1 << 16);
      ensure(n);
      n = Math.min(n, buf.length - pos);
      System.arraycopy(b, off, buf, pos, n);
      pos += n;
      off += n;
    }
  }

  /**
   * Ensures {@code n} bytes of room (n at most 64 KiB), growing the buffer up to the stored limit,
   * then streaming what was written into the hash.
   */
  private void ensure(int n) {
    if (pos + n <= buf.length) return;
    if (keepWhole || pos + n <= STORED_LIMIT) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      return;
    }
    hasher.update(buf, 0, pos);
    streamed = true;
    pos = 0;
    if (buf.length < STORED_LIMIT) buf = Arrays.copyOf(buf, STORED_LIMIT);
  }
}
