package io.memokit.codec;

import java.io.InvalidClassException;
import java.util.function.Predicate;

/**
 * What this process decodes from one store, decided by who else can write it. A value is bytes a
 * writer chose, and decoding with FST or Java serialization, or building an object of an arbitrary
 * class field by field, can run code of the writer's choosing; so:
 * <ul>
 *   <li>{@link #anyClass} (a private store, only its owner writes; or one whose writers the user
 *       said are trusted): every format, every class on the class path;</li>
 *   <li>{@link #safeDefault} (a store others can write, unless the user said otherwise): memokit's
 *       own format only, holding the JDK's value classes, enums, records, arrays of those and
 *       memokit's own types ({@link ClassAllowList#DEFAULT}): nothing whose reading runs a class's
 *       own deserialization code;</li>
 *   <li>{@link #allowing} (the user listed classes): every format, and those classes besides the
 *       default ones, at any depth.</li>
 * </ul>
 * A value the policy refuses raises {@link Refused}, whose message says why and what the user can
 * do; it is never partly read.
 */
public final class ReadPolicy {

  private final boolean serializationFormats;
  private final ClassAllowList classes;
  /** Who can write the store, in words, for the refusal's message; null when it does not matter. */
  private final String writers;

  private ReadPolicy(boolean serializationFormats, ClassAllowList classes, String writers) {
    this.serializationFormats = serializationFormats;
    this.classes = classes;
    this.writers = writers;
  }

  private static final ReadPolicy ANY = new ReadPolicy(true, null, null);

  /** Every format and class: for a store only trusted writers can write. */
  public static ReadPolicy anyClass() {
    return ANY;
  }

  /** The default for a store {@code writers} can write ("users of group staff can write it"). */
  public static ReadPolicy safeDefault(String writers) {
    return new ReadPolicy(false, ClassAllowList.DEFAULT, writers);
  }

  /** Every format, with the classes of {@code list} (it includes the default ones). */
  public static ReadPolicy allowing(ClassAllowList list) {
    return new ReadPolicy(true, list, null);
  }

  /** The classes a value may hold; null when any may. */
  Predicate<Class<?>> classes() {
    return classes;
  }

  /** Refuses a value written with {@code codec} when this policy does not read that format. */
  void admitFormat(byte codec) throws Refused {
    if (codec != Codec.MEMOKIT && !serializationFormats) {
      throw new Refused(Codec.name(codec), "it was written with " + (codec == Codec.FST ? "FST" : "Java serialization")
          + ", which can run code of the writer's choosing, and " + writers, null);
    }
  }

  /** The refusal of a value holding the class named {@code className} (a snippet's class by its own name). */
  Refused refused(String className) {
    String shown = io.memokit.function.TypeNames.stable(className);
    return new Refused(className, "it holds a " + shown + ", not among the classes allowed"
        + (writers == null ? " (store.allowOnlyClasses)" : " by default, as " + writers), shown);
  }

  /**
   * A stored value this process does not decode under its store's {@link ReadPolicy}. The message
   * says why and how to read such values: name their classes with {@code allowOnlyClasses}, or, when
   * every writer of the store is trusted, {@code trustWriters()}.
   */
  public static final class Refused extends InvalidClassException {
    private final String why;

    /** The pattern that would allow the refused class, for the advice; null when no class was refused. */
    private final String pattern;

    Refused(String className, String why, String pattern) {
      super(className, why);
      this.why = why;
      this.pattern = pattern;
    }

    /** Why, in words, with the way out. */
    public String why() {
      return why + "; to read such values, allow their classes (store.allowOnlyClasses(\""
          + (pattern == null ? "com.acme.**" : pattern) + "\")) or, if every writer of the store is trusted, say so "
          + "(store.trustWriters())";
    }
  }

  @Override
  public String toString() {
    return classes == null ? "any class" : serializationFormats ? "allowed classes: " + classes
        : "memokit's format with the default classes (" + writers + ")";
  }
}
