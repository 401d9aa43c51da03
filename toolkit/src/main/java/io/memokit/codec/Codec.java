package io.memokit.codec;

import io.memokit.function.TypeNames;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns values into bytes and back. The byte stored with each value names the format that wrote
 * it ({@link #MEMOKIT}, {@link #FST}, {@link #JAVA}): {@code Codec} chooses the format of a new
 * value and reads a stored one with the format its byte names, so a store can hold values of every
 * format and every process reads each with the right one.
 *
 * <p>memokit's own format ({@link MemokitFormat}) is the default: it writes every value it can
 * hold (values of the JDK's value, collection and time classes, records, enums, exceptions and
 * classes of the user's own, at any depth). A value it cannot hold (one holding a JDK class it does
 * not know, such as a {@code synchronizedList}, or a record that contains itself) is written with
 * FST ({@link FstFormat}) where FST runs in this JVM, else with Java serialization
 * ({@link JavaFormat}); a JVM lacking the {@code --add-opens} flags FST needs says so once, naming
 * them. A value that cannot be written raises {@link NotStorableException} naming the offending
 * type.
 */
public final class Codec {

  public static final byte FST = 1;
  public static final byte JAVA = 2;
  /** memokit's own format ({@link ValueWriter}): readable on every JDK, with or without FST. */
  public static final byte MEMOKIT = 3;

  private static volatile Codec shared;

  private final ClassResolver resolver = new ClassResolver();
  private final MemokitFormat memokit = new MemokitFormat(resolver);
  private final FstFormat fst = new FstFormat(resolver);
  private final JavaFormat serialization = new JavaFormat(resolver);
  /** Each format at the index of the byte stored with its values. */
  private final Format[] byId = new Format[MEMOKIT + 1];

  private Codec() {
    for (Format f : List.of(memokit, fst, serialization)) byId[f.id()] = f;
  }

  /** The process-wide codec (FST's configuration is costly to build, so there is one). */
  public static Codec shared() {
    Codec c = shared;
    if (c != null) return c;
    synchronized (Codec.class) {
      if (shared == null) shared = new Codec();
      return shared;
    }
  }

  /** The format whose values carry the byte {@code codec}; null if none does. */
  private Format format(byte codec) {
    return codec >= 0 && codec < byId.length ? byId[codec] : null;
  }

  /** The {@code --add-opens} options this JVM would need for FST, empty when it has them all. */
  public static List<String> missingOpens() {
    return FstFormat.missingOpens();
  }

  /** The format a value memokit's own format cannot hold is written with: FST where it runs, else Java serialization. */
  public byte preferred() {
    return fst.runs() ? FST : JAVA;
  }

  public static String name(byte codec) {
    Format f = shared().format(codec);
    return f != null ? f.name() : "codec#" + codec;
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

  /** Encodes {@code value} with {@code codec}: {@link #MEMOKIT}, {@link #FST} where it runs; any other, {@link #JAVA}. */
  public Encoded encodeWith(byte codec, Object value) throws NotStorableException {
    Format f = format(codec);
    try {
      return (f != null ? f : serialization).encode(value);
    } catch (StackOverflowError e) { // the writer's own frames only: nothing shared is left half-changed
      throw NotStorableException.of(value, new java.io.IOException("it is nested too deeply for this thread's stack"));
    }
  }

  /** Reads a value from {@code bytes[0, length)}, any class allowed. */
  public Object decode(byte codec, byte[] bytes, int length) throws IOException, ClassNotFoundException {
    return decode(codec, bytes, length, ReadPolicy.anyClass());
  }

  /**
   * Reads a value from {@code bytes[0, length)}, refusing (with {@link InvalidClassException}) any
   * class in it that {@code allowed} rejects; {@code allowed == null} allows every class.
   */
  public Object decode(byte codec, byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    Format f = format(codec);
    if (f == null) throw new IOException("unknown codec " + codec);
    try {
      return f.decode(bytes, length, allowed);
    } catch (StackOverflowError e) { // the reader's own frames only: the value is dropped
      throw tooDeep();
    }
  }

  /**
   * Reads a value from {@code bytes[0, length)} as {@code policy} allows: a format or a class it
   * refuses raises {@link ReadPolicy.Refused}, which says why and what to do.
   */
  public Object decode(byte codec, byte[] bytes, int length, ReadPolicy policy)
      throws IOException, ClassNotFoundException {
    policy.admitFormat(codec);
    try {
      return decode(codec, bytes, length, policy.classes());
    } catch (InvalidClassException e) {
      if (e instanceof ReadPolicy.Refused || e.classname == null || policy.classes() == null) throw e;
      ReadPolicy.Refused refused = policy.refused(e.classname);
      refused.initCause(e);
      throw refused;
    }
  }

  /**
   * Reads a value of memokit's format in which objects of classes this process lacks become
   * {@link ValueReader.Salvaged} (to report a stored exception whose class is missing here).
   */
  public Object salvage(byte codec, byte[] bytes, int length, ReadPolicy policy)
      throws IOException, ClassNotFoundException {
    if (codec != MEMOKIT) throw new IOException("only values in memokit's own format can be salvaged");
    try {
      return memokit.salvage(bytes, length, policy.classes());
    } catch (StackOverflowError e) {
      throw tooDeep();
    }
  }

  /** What a reader says of a value whose nesting exhausted its thread's stack. */
  private static IOException tooDeep() {
    return new IOException("a stored value is nested too deeply for this thread's stack");
  }

  /** A class named in a value of memokit's format: a snippet class by its stable name, others by name. */
  Class<?> findClass(String name) throws ClassNotFoundException {
    return memokit.findClass(name);
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

  /** The JVM options memokit needs on this JVM's JDK ({@link #jvmFlags(int)}). */
  public static List<String> jvmFlags() {
    return jvmFlags(Runtime.version().feature());
  }

  /**
   * The options for a JVM of JDK {@code feature}: the {@code --add-opens} FST and memokit's format
   * need and, from JDK 24 (which warns when {@code sun.misc.Unsafe} is used), the option that lets
   * FST use it without a warning the user did not cause.
   */
  public static List<String> jvmFlags(int feature) {
    List<String> flags = new ArrayList<>(FstFormat.OPENS.stream().map(spec -> "--add-opens=" + spec + "=ALL-UNNAMED").toList());
    if (feature >= 24) flags.add("--sun-misc-unsafe-memory-access=allow");
    return List.copyOf(flags);
  }
}
