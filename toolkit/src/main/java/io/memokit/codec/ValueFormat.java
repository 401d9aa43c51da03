package io.memokit.codec;

import java.io.IOException;

/**
 * memokit's own value format: a tagged, self-describing tree (with back-references for shared
 * objects), written and read by memokit alone, so that a stored value stays readable on every JDK
 * and without any third-party codec. Records and classes are named by their stable names (a JShell
 * snippet's class by its own name, without the session's snippet number) and written field by
 * field, by name, so a reader whose class has the same name and shape reads them back.
 *
 * <p>An object whose class defines its serialized form ({@link SerialContract}: {@code readObject},
 * {@code writeObject}, {@code Externalizable}...) is the exception: it is a {@code SERIAL} item, the
 * next object of one of the value's Java-serialization streams, which come first ({@code STREAMS})
 * and hold, in turn, memokit's items for what such objects hold ({@link SerialOut}, {@link SerialIn}).
 *
 * <pre>
 *   value   := MAGIC VERSION [STREAMS varint count, (varint length, bytes)*count] item
 *   item    := tag payload                     (tags below; never renumber them: stored values use them)
 *   class   := varint 0, name  |  varint n     (n-1: a class named earlier in this value)
 *   SERIAL  := varint stream                   (the stream's next object, read by Java serialization)
 * </pre>
 */
final class ValueFormat {

  static final int MAGIC = 0x4D;   // 'M'
  static final int VERSION = 1;

  static final int NULL = 0, FALSE = 1, TRUE = 2, BYTE = 3, SHORT = 4, INT = 5, LONG = 6, FLOAT = 7, DOUBLE = 8,
      CHAR = 9, STRING = 10, STRING16 = 11, BIG_INTEGER = 12, BIG_DECIMAL = 13, ENUM = 14, RECORD = 15,
      OPTIONAL_EMPTY = 16, OPTIONAL = 17, LIST = 18, SET = 19, MAP = 20, OBJECT_ARRAY = 21, TIME = 22,
      OBJECT = 23, REF = 24, STACK_ELEMENT = 25, STREAMS = 26, SERIAL = 27,
      BOOLEAN_ARRAY = 32, BYTE_ARRAY = 33, SHORT_ARRAY = 34, CHAR_ARRAY = 35, INT_ARRAY = 36, LONG_ARRAY = 37,
      FLOAT_ARRAY = 38, DOUBLE_ARRAY = 39,
      UUID = 28, OPTIONAL_INT = 29, OPTIONAL_LONG = 30, OPTIONAL_DOUBLE = 31, BIT_SET = 40, MAP_ENTRY = 41, URI = 42;

  /**
   * Collection kinds: which class a list (or an {@code ArrayDeque}, under the list tag), set or map is
   * read back as. An {@code EnumSet} or {@code EnumMap} is {@code ENUM_ORDINALS}: its enum's class, the
   * names of all its constants in their order ({@link EnumNames#table}), then each element (key) as its
   * ordinal in that table, so that a reader matches names once per value, not once per element, and a
   * reordered or changed enum still maps each element to the constant of its name. {@code ENUM_KIND},
   * each element an {@code ENUM} item, is read as stored before.
   */
  static final int ARRAY_LIST = 1, LINKED_LIST = 2, UNMODIFIABLE = 3, HASH = 4, LINKED_HASH = 5, TREE = 6,
      TREE_REVERSED = 7, CONCURRENT_HASH = 8, ENUM_KIND = 9, COPY_ON_WRITE = 10, EMPTY = 11, ARRAY_DEQUE = 12,
      IMMUTABLE = 13, COPIES = 14, VECTOR = 15, STACK = 16, PRIORITY_QUEUE = 17, CONCURRENT_QUEUE = 18,
      CONCURRENT_DEQUE = 19, UNMODIFIABLE_COLLECTION = 20, CONCURRENT_SKIP = 21, UNMODIFIABLE_SORTED = 22,
      HASHTABLE = 23, IDENTITY_HASH = 24, UNMODIFIABLE_NAVIGABLE = 25, ENUM_ORDINALS = 26;

  /** Map entry kinds: {@code Map.entry}, {@code AbstractMap.SimpleImmutableEntry}, {@code AbstractMap.SimpleEntry}. */
  static final int ENTRY_IMMUTABLE = 1, ENTRY_SIMPLE_IMMUTABLE = 2, ENTRY_SIMPLE = 3;

  /**
   * The deepest nesting of items a value may have (a list in a record in a map ... counts one level
   * each): deeper values are not written in this format, and a stored value claiming more is
   * refused as corrupted, so that reading one never needs more than a few hundred KiB of a thread's
   * stack, whoever wrote the bytes.
   */
  static final int MAX_DEPTH = 500;

  /** Prefix of a JShell snippet class's name in the format: its stable name follows. */
  static final String SNIPPET = "REPL.$JShell$$";

  private ValueFormat() {}

  /** A value this format cannot hold (the caller falls back to another codec); names the type. */
  static final class Unsupported extends IOException {
    Unsupported(String message) {
      super(message, null);
    }
  }
}
