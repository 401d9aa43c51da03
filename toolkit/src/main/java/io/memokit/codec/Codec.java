package io.memokit.codec;

import io.memokit.function.TypeNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.nustaq.serialization.FSTBasicObjectSerializer;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * Turns values into bytes and back. FST is the default; where this JVM lacks the
 * {@code --add-opens} flags FST needs, values are written with Java serialization instead, after
 * one warning naming the missing flags. The codec is recorded per value, so a store can hold
 * both kinds and every process reads each with the right one.
 *
 * <p>Records are written by their components and rebuilt through their canonical constructor,
 * which FST cannot do by itself; {@code Optional} is written as its content. A value that cannot be
 * written raises {@link NotStorableException} naming the offending type.
 */
public final class Codec {

  public static final byte FST = 1;
  public static final byte JAVA = 2;
  /** memokit's own format ({@link ValueWriter}): readable on every JDK, with or without FST. */
  public static final byte MEMOKIT = 3;

  /** The packages FST needs opened to the unnamed module on JDK 17 and later. */
  static final List<String> FST_OPENS = List.of("java.base/java.lang", "java.base/java.util", "java.base/java.math",
      "java.base/java.net", "java.base/java.text", "java.base/java.time", "java.base/java.util.concurrent",
      "java.base/java.io", "java.base/java.nio", "java.sql/java.sql");

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static volatile Codec shared;

  private final ClassResolver resolver = new ClassResolver();
  /**
   * FST, started on first need: values in memokit's own format never start it, so a JVM that stores
   * only those never loads FST (nor meets its {@code sun.misc.Unsafe} warnings on new JDKs).
   */
  private volatile FSTConfiguration fst;
  private volatile boolean fstStarted;
  /**
   * FST checks its verifier once per class and configuration, then caches the class: so reading
   * under an allow-list uses a configuration of its own, whose verifier is that list.
   */
  private final java.util.Map<Predicate<Class<?>>, FSTConfiguration> restrictedFst =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Codec() {}

  /** The process-wide codec (FST's configuration is costly to build, so there is one). */
  public static Codec shared() {
    Codec c = shared;
    if (c != null) return c;
    synchronized (Codec.class) {
      if (shared == null) shared = new Codec();
      return shared;
    }
  }

  /** FST's configuration, started on first call; null if FST cannot run in this JVM. */
  private FSTConfiguration fst() {
    if (fstStarted) return fst;
    synchronized (this) {
      if (!fstStarted) {
        fst = createFst(resolver, null);
        fstStarted = true;
      }
      return fst;
    }
  }

  /** The {@code --add-opens} options this JVM would need for FST, empty when it has them all. */
  public static List<String> missingOpens() {
    List<String> missing = new ArrayList<>();
    Module unnamed = Codec.class.getClassLoader().getUnnamedModule();
    for (String spec : FST_OPENS) {
      String module = spec.substring(0, spec.indexOf('/'));
      String pkg = spec.substring(spec.indexOf('/') + 1);
      Optional<Module> m = ModuleLayer.boot().findModule(module);
      if (m.isEmpty() || !m.get().isOpen(pkg, unnamed)) missing.add("--add-opens=" + spec + "=ALL-UNNAMED");
    }
    return missing;
  }

  private static FSTConfiguration createFst(ClassResolver resolver, Predicate<Class<?>> allowed) {
    List<String> missing = missingOpens();
    if (!missing.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "memokit: FST cannot run in this JVM, so values are stored with Java "
          + "serialization (slower, and only Serializable classes). Start the JVM with: " + String.join(" ", missing)
          + " (JShell: prefix each with -R; see memokit's README).");
      return null;
    }
    try {
      FSTConfiguration conf = FSTConfiguration.createDefaultConfiguration();
      conf.registerSerializer(Record.class, new RecordSerializer(), true);
      conf.registerSerializer(Optional.class, new OptionalSerializer(), false);
      conf.setClassLoader(resolver);
      if (allowed != null) conf.setVerifier(allowed::test);
      conf.setLastResortResolver(name -> {
        try {
          return resolver.resolve(name);
        } catch (ClassNotFoundException e) {
          return null;
        }
      });
      return conf;
    } catch (RuntimeException | LinkageError e) {
      // Said where it matters: a value only FST can read is reported unreadable, once per block, with
      // whyFstCannotRun(); a value only FST could write is written with Java serialization.
      LOG.log(System.Logger.Level.DEBUG, "memokit: FST failed to start (" + e + "); " + whyFstCannotRun());
      return null;
    }
  }

  /** Why FST cannot run here, and what lets it: the missing flags, or the JDK's refusal of {@code sun.misc.Unsafe}. */
  static String whyFstCannotRun() {
    List<String> missing = missingOpens();
    if (!missing.isEmpty()) return "start the JVM with " + String.join(" ", missing) + " (memokit's flags)";
    return "this JDK (" + Runtime.version().feature() + ") denies FST's use of sun.misc.Unsafe; start it with "
        + "--sun-misc-unsafe-memory-access=allow, or read these values with JDK 17 to 25, which allow it";
  }

  /** The codec new values are written with. */
  public byte preferred() {
    return fst() != null ? FST : JAVA;
  }

  public static String name(byte codec) {
    return switch (codec) {
      case FST -> "fst";
      case JAVA -> "java";
      case MEMOKIT -> "memokit";
      default -> "codec#" + codec;
    };
  }

  /**
   * A value's encoding: {@code buffer[0, length)}, the codec that wrote it, and whether the decoded
   * value may be shared by every hit of a process: only when it holds no expressions (they start
   * unevaluated on each hit) and nothing a caller could change (see {@link ValueWriter}); FST and
   * Java serialization cannot tell, so their values never are. The buffer may be the codec's own, reused by the next encoding on this
   * thread (a copy would cost a pass over a large value): write it right away, or {@link #copy()} it.
   */
  public record Encoded(byte codec, byte[] buffer, int length, boolean shareable) {
    /** The encoding in an array of its own, exactly {@code length} long. */
    public byte[] copy() {
      return java.util.Arrays.copyOf(buffer, length);
    }
  }

  /**
   * Encodes {@code value} in memokit's own format when it can hold it (values of the JDK's value,
   * collection and time classes, records, enums, exceptions and classes of the user's own, at any
   * depth; an object whose class defines its serialized form by Java serialization within it,
   * {@link SerialContract}), else with FST where it runs, else with Java serialization.
   */
  public Encoded encode(Object value) throws NotStorableException {
    try {
      return encodeWith(MEMOKIT, value);
    } catch (NotStorableException unsupported) {
      return encodeWith(preferred(), value);
    }
  }

  /** Encodes {@code value} with {@code codec} ({@link #MEMOKIT}, {@link #FST} where it runs, {@link #JAVA}). */
  public Encoded encodeWith(byte codec, Object value) throws NotStorableException {
    if (codec == MEMOKIT) {
      try {
        ValueWriter.Written own = ValueWriter.encode(value);
        return new Encoded(MEMOKIT, own.buffer(), own.length(), !own.mutable());
      } catch (IOException | RuntimeException e) {
        throw NotStorableException.of(value, e);
      }
    }
    if (codec == FST) {
      FSTConfiguration fst = fst();
      if (fst == null) throw new NotStorableException("FST cannot run in this JVM", null);
      FSTObjectOutput out = fst.getObjectOutput();
      try {
        out.writeObject(value);
        // No flush() (without a stream it discards the buffer), and no copy: the buffer is this thread's.
        return new Encoded(FST, out.getBuffer(), out.getWritten(), false);
      } catch (IOException | RuntimeException e) {
        throw NotStorableException.of(value, e);
      } finally {
        out.resetForReUse();
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
      out.flush();
      return new Encoded(JAVA, bytes.toByteArray(), bytes.size(), false);
    } catch (IOException | RuntimeException e) {
      throw NotStorableException.of(value, e);
    }
  }

  /** Reads a value from {@code bytes[0, length)}, any class allowed. */
  public Object decode(byte codec, byte[] bytes, int length) throws IOException, ClassNotFoundException {
    return decode(codec, bytes, length, null);
  }

  /**
   * Reads a value from {@code bytes[0, length)}, refusing (with {@link InvalidClassException}) any
   * class in it that {@code allowed} rejects; {@code allowed == null} allows every class.
   */
  public Object decode(byte codec, byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    switch (codec) {
      case MEMOKIT -> {
        return ValueReader.read(bytes, length, this::findClass, allowed);
      }
      case FST -> {
        FSTConfiguration fst = fst();
        if (fst == null) {
          throw new IOException("it was written with FST (by an earlier memokit, or for a type memokit's own format "
              + "does not hold), which cannot run in this JVM: " + whyFstCannotRun());
        }
        FSTConfiguration conf = allowed == null ? fst
            : restrictedFst.computeIfAbsent(allowed, a -> createFst(resolver, a));
        FSTObjectInput in = conf.getObjectInput(bytes, length);
        try {
          Object value = in.readObject();
          if (value != null && allowed != null && !allowed.test(value.getClass())) {
            throw new InvalidClassException(value.getClass().getName(), "not in this store's allowed classes");
          }
          return value;
        } catch (IOException | ClassNotFoundException e) {
          throw refusedOrUnreadable(e);
        } catch (Exception e) {
          throw refusedOrUnreadable(e);
        }
      }
      case JAVA -> {
        try (ObjectInputStream in = new ResolvingObjectInputStream(new ByteArrayInputStream(bytes, 0, length), allowed)) {
          return in.readObject();
        }
      }
      default -> throw new IOException("unknown codec " + codec);
    }
  }

  /**
   * Reads a value of memokit's format in which objects of classes this process lacks become
   * {@link ValueReader.Salvaged} (to report a stored exception whose class is missing here).
   */
  public Object salvage(byte codec, byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    if (codec != MEMOKIT) throw new IOException("only values in memokit's own format can be salvaged");
    return ValueReader.salvage(bytes, length, this::findClass, allowed);
  }

  /** A class named in a value of memokit's format: a snippet class by its stable name, others by name. */
  Class<?> findClass(String name) throws ClassNotFoundException {
    String snippet = ValueReader.snippetName(name);
    if (snippet != null) {
      Class<?> c = TypeNames.snippetClass(snippet);
      if (c == null) throw new ClassNotFoundException(name);
      return c;
    }
    return resolver.resolve(name);
  }

  /** FST reports a class its verifier refused as "tried to deserialize forbidden class X", at any depth. */
  private static IOException refusedOrUnreadable(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      int at = m.indexOf("forbidden class ");
      if (at >= 0) {
        InvalidClassException refused = new InvalidClassException(m.substring(at + 16).trim(),
            "not in this store's allowed classes");
        refused.initCause(e);
        return refused;
      }
    }
    return e instanceof IOException io ? io : new IOException("FST could not read the value: " + e, e);
  }

  private final class ResolvingObjectInputStream extends ObjectInputStream {
    ResolvingObjectInputStream(ByteArrayInputStream in, Predicate<Class<?>> allowed) throws IOException {
      super(in);
      if (allowed != null) {
        setObjectInputFilter(info -> {
          Class<?> c = info.serialClass();
          if (c == null) return java.io.ObjectInputFilter.Status.UNDECIDED;
          return allowed.test(c) ? java.io.ObjectInputFilter.Status.UNDECIDED : java.io.ObjectInputFilter.Status.REJECTED;
        });
      }
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return resolver.resolve(desc.getName());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }

  /** A value that cannot be written: the message names its type and the codec's reason. */
  public static final class NotStorableException extends Exception {
    /** FST's words for a class it refuses: {@code Class java.lang.Thread does not implement Serializable ...}. */
    private static final java.util.regex.Pattern FST_REFUSAL =
        java.util.regex.Pattern.compile("^Class (\\S+) does not implement Serializable");

    private final String type;
    private final String reason;
    private final String refused;

    NotStorableException(String message, Throwable cause) {
      this(message, cause, null, message, null);
    }

    private NotStorableException(String message, Throwable cause, String type, String reason, String refused) {
      super(message, cause);
      this.type = type;
      this.reason = reason;
      this.refused = refused;
    }

    static NotStorableException of(Object value, Throwable e) {
      String type = value == null ? "null" : TypeNames.stable(value.getClass());
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      java.util.regex.Matcher fst = FST_REFUSAL.matcher(String.valueOf(root.getMessage()));
      String refused = root instanceof NotSerializableException nse ? nse.getMessage()
          : fst.find() ? fst.group(1) : null;
      if (root instanceof NotSerializableException) reason = "it contains a " + refused + ", which is not Serializable";
      else if (reason.contains("Serializable")) reason = "it is not Serializable (" + reason + ")";
      return new NotStorableException("a value of type " + type + " cannot be stored: " + reason, e, type, reason,
          refused == null ? null : TypeNames.stable(refused));
    }

    /** Why it could not be stored, in words (the message without the value's type). */
    public String reason() {
      return reason;
    }

    /** The class of the value that could not be stored, as {@link TypeNames#stable} names it; null if unknown. */
    public String type() {
      return type;
    }

    /**
     * The class, somewhere in the value (the value's own, or one it holds at any depth), that could
     * not be written because it is not Serializable; null if something else failed.
     */
    public String refused() {
      return refused;
    }
  }

  /**
   * Writes a record as its components and rebuilds it through its canonical constructor. Accessors
   * and constructor are looked up once per record class (reflection on every value made FST slower
   * than Java serialization on a map of records).
   */
  static final class RecordSerializer extends FSTBasicObjectSerializer {
    private record Shape(java.lang.invoke.MethodHandle[] accessors, Constructor<?> constructor) {}

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
      @Override
      protected Shape computeValue(Class<?> type) {
        RecordComponent[] rc = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        java.lang.invoke.MethodHandle[] accessors = new java.lang.invoke.MethodHandle[rc.length];
        try {
          for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
            var accessor = rc[i].getAccessor();
            accessor.setAccessible(true);
            accessors[i] = java.lang.invoke.MethodHandles.lookup().unreflect(accessor)
                .asType(java.lang.invoke.MethodType.methodType(Object.class, Object.class));
          }
          Constructor<?> c = type.getDeclaredConstructor(types);
          c.setAccessible(true);
          return new Shape(accessors, c);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("record " + type.getName() + " cannot be read or rebuilt: " + e, e);
        }
      }
    };

    @Override
    public void writeObject(FSTObjectOutput out, Object toWrite, FSTClazzInfo clzInfo,
                            FSTClazzInfo.FSTFieldInfo referencedBy, int streamPosition) throws IOException {
      io.memokit.function.TypeNames.remember(toWrite.getClass());
      for (java.lang.invoke.MethodHandle accessor : SHAPES.get(toWrite.getClass()).accessors()) {
        Object component;
        try {
          component = accessor.invokeExact(toWrite);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable t) {
          throw new IOException("cannot read a component of " + toWrite.getClass().getName(), t);
        }
        out.writeObject(component);
      }
    }

    @Override
    public Object instantiate(Class objectClass, FSTObjectInput in, FSTClazzInfo serializationInfo,
                              FSTClazzInfo.FSTFieldInfo referencee, int streamPosition) throws Exception {
      Constructor<?> ctor = SHAPES.get(objectClass).constructor();
      Object[] values = new Object[ctor.getParameterCount()];
      for (int i = 0; i < values.length; i++) values[i] = in.readObject();
      Object record = ctor.newInstance(values);
      in.registerObject(record, streamPosition, serializationInfo, referencee);
      return record;
    }
  }

  /** Writes an {@code Optional} as its content (Optional is not Serializable). */
  static final class OptionalSerializer extends FSTBasicObjectSerializer {
    @Override
    public void writeObject(FSTObjectOutput out, Object toWrite, FSTClazzInfo clzInfo,
                            FSTClazzInfo.FSTFieldInfo referencedBy, int streamPosition) throws IOException {
      out.writeObject(((Optional<?>) toWrite).orElse(null));
    }

    @Override
    public Object instantiate(Class objectClass, FSTObjectInput in, FSTClazzInfo serializationInfo,
                              FSTClazzInfo.FSTFieldInfo referencee, int streamPosition) throws Exception {
      Object o = Optional.ofNullable(in.readObject());
      in.registerObject(o, streamPosition, serializationInfo, referencee);
      return o;
    }
  }

  /** The JVM options FST needs: one {@code --add-opens=MODULE/PACKAGE=ALL-UNNAMED} per package. */
  public static List<String> jvmFlags() {
    return jvmFlags(Runtime.version().feature());
  }

  /**
   * The options for a JVM of JDK {@code feature}: the {@code --add-opens} FST and memokit's format
   * need and, from JDK 24 (which warns when {@code sun.misc.Unsafe} is used), the option that lets
   * FST use it without a warning the user did not cause.
   */
  public static List<String> jvmFlags(int feature) {
    List<String> flags = new ArrayList<>(FST_OPENS.stream().map(spec -> "--add-opens=" + spec + "=ALL-UNNAMED").toList());
    if (feature >= 24) flags.add("--sun-misc-unsafe-memory-access=allow");
    return List.copyOf(flags);
  }
}
