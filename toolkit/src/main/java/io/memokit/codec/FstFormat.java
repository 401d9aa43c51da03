package io.memokit.codec;

import java.io.IOException;
import java.io.InvalidClassException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.nustaq.serialization.FSTBasicObjectSerializer;
import org.nustaq.serialization.FSTClazzInfo;
import org.nustaq.serialization.FSTConfiguration;
import org.nustaq.serialization.FSTObjectInput;
import org.nustaq.serialization.FSTObjectOutput;

/**
 * FST ({@code de.ruedigermoeller:fst}), for what memokit's own format cannot hold, in a JVM where
 * FST runs: one with the {@code --add-opens} flags it needs ({@link #OPENS}) and a JDK that lets it
 * use {@code sun.misc.Unsafe}. Records are written by their components and rebuilt through their
 * canonical constructor, which FST cannot do by itself; {@code Optional} is written as its content.
 * Values it writes are never shared between hits: it cannot tell whether a caller could change them.
 */
final class FstFormat extends Format {

  /** The packages FST needs opened to the unnamed module on JDK 17 and later. */
  static final List<String> OPENS = List.of("java.base/java.lang", "java.base/java.util", "java.base/java.math",
      "java.base/java.net", "java.base/java.text", "java.base/java.time", "java.base/java.util.concurrent",
      "java.base/java.io", "java.base/java.nio", "java.sql/java.sql");

  private static final System.Logger LOG = System.getLogger("io.memokit");

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
  private final Map<Predicate<Class<?>>, FSTConfiguration> restrictedFst = new ConcurrentHashMap<>();

  FstFormat(ClassResolver resolver) {
    super(Codec.FST, "fst", resolver);
  }

  /** Whether FST runs in this JVM (starting it, on the first call). */
  boolean runs() {
    return fst() != null;
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
  static List<String> missingOpens() {
    List<String> missing = new ArrayList<>();
    Module unnamed = FstFormat.class.getClassLoader().getUnnamedModule();
    for (String spec : OPENS) {
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

  @Override
  Codec.Encoded encode(Object value) throws Codec.NotStorableException {
    FSTConfiguration fst = fst();
    if (fst == null) throw new Codec.NotStorableException("FST cannot run in this JVM", null);
    FSTObjectOutput out = fst.getObjectOutput();
    try {
      out.writeObject(value);
      // No flush() (without a stream it discards the buffer), and no copy: the buffer is this thread's.
      return new Codec.Encoded(Codec.FST, out.getBuffer(), out.getWritten(), false);
    } catch (IOException | RuntimeException e) {
      throw Codec.NotStorableException.of(value, e);
    } finally {
      out.resetForReUse();
    }
  }

  @Override
  Object decode(byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
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
    } catch (Exception e) {
      throw refusedOrUnreadable(e);
    }
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

  /**
   * Writes a record as its components and rebuilds it through its canonical constructor. Accessors
   * and constructor are looked up once per record class, so a value of many records pays for the
   * reflection once, not once per record.
   */
  static final class RecordSerializer extends FSTBasicObjectSerializer {
    private record Shape(MethodHandle[] accessors, Constructor<?> constructor) {}

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
      @Override
      protected Shape computeValue(Class<?> type) {
        RecordComponent[] rc = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        MethodHandle[] accessors = new MethodHandle[rc.length];
        try {
          for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
            var accessor = rc[i].getAccessor();
            accessor.setAccessible(true);
            accessors[i] = MethodHandles.lookup().unreflect(accessor)
                .asType(MethodType.methodType(Object.class, Object.class));
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
      for (MethodHandle accessor : SHAPES.get(toWrite.getClass()).accessors()) {
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
}
