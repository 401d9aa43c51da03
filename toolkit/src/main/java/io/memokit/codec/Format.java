package io.memokit.codec;

import java.io.IOException;
import java.io.InvalidClassException;
import java.util.function.Predicate;

/**
 * One of the formats a stored value can be in: memokit's own ({@link MemokitFormat}), FST
 * ({@link FstFormat}) or Java serialization ({@link JavaFormat}). The byte stored with each value
 * is its format's {@link #id()}, so a store can hold values of every format and each is read by
 * the format that wrote it; {@link Codec} chooses the format of a new value and finds the format
 * of a stored one. The ids are part of the stored format: they are never renumbered.
 */
abstract class Format {

  private final byte id;
  private final String name;
  /** Finds the classes a stored value names. */
  final ClassResolver resolver;

  Format(byte id, String name, ClassResolver resolver) {
    this.id = id;
    this.name = name;
    this.resolver = resolver;
  }

  /** The byte stored with each value this format writes ({@link Codec#MEMOKIT}, {@link Codec#FST}, {@link Codec#JAVA}). */
  final byte id() {
    return id;
  }

  /** The format's name in reports ({@link Codec#name}). */
  final String name() {
    return name;
  }

  /** Encodes {@code value}, or raises {@link Codec.NotStorableException} naming its type if this format cannot write it. */
  abstract Codec.Encoded encode(Object value) throws Codec.NotStorableException;

  /**
   * Reads a value from {@code bytes[0, length)}, refusing (with {@link InvalidClassException}) any
   * class in it that {@code allowed} rejects; {@code allowed == null} allows every class.
   */
  abstract Object decode(byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException;
}
