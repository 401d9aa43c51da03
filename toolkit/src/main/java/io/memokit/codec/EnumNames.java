package io.memokit.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An enum's constants and their names in UTF-8, found once per enum class: the format writes a
 * constant by its name, and reads its constant back by looking the stored bytes up in a hash table
 * of these names, without making a {@code String} of them, so that an {@code EnumSet} or
 * {@code EnumMap} costs about what a collection of small numbers does. A name is only ever matched
 * byte for byte: the hash finds where to compare.
 */
final class EnumNames {

  private static final ClassValue<EnumNames> OF = new ClassValue<>() {
    @Override
    protected EnumNames computeValue(Class<?> type) {
      return new EnumNames(type);
    }
  };

  private final Object[] constants;
  private final byte[][] utf8;
  /** Open addressing, linear probing: 1 + the ordinal of the constant whose name hashes there, 0 where none. */
  private final int[] table;
  /** The names as an {@code ENUM_ORDINALS} collection stores them: a count, then each name's length and bytes, by ordinal. */
  private final byte[] stored;

  private EnumNames(Class<?> enumClass) {
    constants = enumClass.getEnumConstants();
    utf8 = new byte[constants.length][];
    table = new int[Math.max(4, Integer.highestOneBit(Math.max(1, constants.length)) << 2)];
    int mask = table.length - 1;
    for (int i = 0; i < constants.length; i++) {
      utf8[i] = ((Enum<?>) constants[i]).name().getBytes(StandardCharsets.UTF_8);
      int at = hash(utf8[i], 0, utf8[i].length) & mask;
      while (table[at] != 0) at = (at + 1) & mask;
      table[at] = i + 1;
    }
    stored = ValueWriter.byteStrings(utf8);
  }

  /** The names of {@code enumClass} (an enum's own class, as {@code getDeclaringClass()} gives it). */
  static EnumNames of(Class<?> enumClass) {
    return OF.get(enumClass);
  }

  /** The constants by ordinal (not to be changed). */
  Object[] constants() {
    return constants;
  }

  /** The names as stored, by ordinal: a varint count, then each name as a varint length and its UTF-8 bytes. */
  byte[] table() {
    return stored;
  }

  /** Whether {@code bytes[from, from + available)} begins with {@link #table}: a writer's enum of these names in this order. */
  boolean tableAt(byte[] bytes, int from, int available) {
    return available >= stored.length && Arrays.equals(stored, 0, stored.length, bytes, from, from + stored.length);
  }

  /** The UTF-8 name of {@code constant}, one of this enum's. */
  byte[] utf8(Enum<?> constant) {
    return utf8[constant.ordinal()];
  }

  /** The constant named by {@code bytes[from, from + length)}, or {@code null} if this enum has none of that name. */
  Object find(byte[] bytes, int from, int length) {
    int mask = table.length - 1;
    for (int at = hash(bytes, from, length) & mask; ; at = (at + 1) & mask) {
      int entry = table[at];
      if (entry == 0) return null;
      if (sameName(utf8[entry - 1], bytes, from, length)) return constants[entry - 1];
    }
  }

  private static boolean sameName(byte[] name, byte[] bytes, int from, int length) {
    if (name.length != length) return false;
    for (int i = 0; i < length; i++) {
      if (name[i] != bytes[from + i]) return false;
    }
    return true;
  }

  private static int hash(byte[] bytes, int from, int length) {
    int h = length;
    for (int i = from; i < from + length; i++) h = 31 * h + bytes[i];
    return h ^ (h >>> 16);
  }
}
