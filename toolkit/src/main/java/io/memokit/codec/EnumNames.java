package io.memokit.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An enum's constants and their names in UTF-8, found once per enum class: the format writes a
 * constant by its name, and reads a small enum's constant back by comparing the stored bytes with
 * these, without making a {@code String} of them, so that an {@code EnumSet} or {@code EnumMap}
 * costs about what a collection of small numbers does.
 */
final class EnumNames {

  /** Above this many constants, a name is read as a string and looked up by the JDK. */
  private static final int SCANNED = 32;

  private static final ClassValue<EnumNames> OF = new ClassValue<>() {
    @Override
    protected EnumNames computeValue(Class<?> type) {
      return new EnumNames(type);
    }
  };

  private final Object[] constants;
  private final byte[][] utf8;

  private EnumNames(Class<?> enumClass) {
    constants = enumClass.getEnumConstants();
    utf8 = new byte[constants.length][];
    for (int i = 0; i < constants.length; i++) utf8[i] = ((Enum<?>) constants[i]).name().getBytes(StandardCharsets.UTF_8);
  }

  /** The names of {@code enumClass} (an enum's own class, as {@code getDeclaringClass()} gives it). */
  static EnumNames of(Class<?> enumClass) {
    return OF.get(enumClass);
  }

  /** The UTF-8 name of {@code constant}, one of this enum's. */
  byte[] utf8(Enum<?> constant) {
    return utf8[constant.ordinal()];
  }

  /** The constant named by {@code bytes[from, from + length)}, or {@code null} if none (or too many to scan). */
  Object find(byte[] bytes, int from, int length) {
    if (constants.length > SCANNED) return null;
    for (int i = 0; i < utf8.length; i++) {
      byte[] name = utf8[i];
      if (name.length == length && Arrays.equals(name, 0, length, bytes, from, from + length)) return constants[i];
    }
    return null;
  }
}
