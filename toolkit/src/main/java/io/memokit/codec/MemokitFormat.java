package io.memokit.codec;

import io.memokit.function.TypeNames;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * memokit's own format ({@link ValueFormat}, written by {@link ValueWriter} and read by
 * {@link ValueReader}): readable on every JDK, with or without FST. An object whose class defines
 * its serialized form ({@link SerialContract}) is written within it by Java serialization
 * ({@link SerialOut}, {@link SerialIn}). It tells whether a decoded value may be shared by every
 * hit of a process ({@link Codec.Encoded#shareable()}).
 */
final class MemokitFormat extends Format {

  private final ValueReader.ClassFinder finder = this::findClass;

  MemokitFormat(ClassResolver resolver) {
    super(Codec.MEMOKIT, "memokit", resolver);
  }

  @Override
  Codec.Encoded encode(Object value) throws Codec.NotStorableException {
    try {
      ValueWriter.Written own = ValueWriter.encode(value);
      return new Codec.Encoded(Codec.MEMOKIT, own.buffer(), own.length(), !own.mutable());
    } catch (IOException | RuntimeException e) {
      throw Codec.NotStorableException.of(value, e);
    }
  }

  @Override
  Object decode(byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    return ValueReader.read(bytes, length, finder, allowed);
  }

  /** Reads a value in which objects of classes this process lacks become {@link ValueReader.Salvaged}. */
  Object salvage(byte[] bytes, int length, Predicate<Class<?>> allowed) throws IOException, ClassNotFoundException {
    return ValueReader.salvage(bytes, length, finder, allowed);
  }

  /** A class named in a value of this format: a snippet class by its stable name, others by name. */
  Class<?> findClass(String name) throws ClassNotFoundException {
    String snippet = ValueReader.snippetName(name);
    if (snippet != null) {
      Class<?> c = TypeNames.snippetClass(snippet);
      if (c == null) throw new ClassNotFoundException(name);
      return c;
    }
    return resolver.resolve(name);
  }
}
