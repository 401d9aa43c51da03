package io.memokit.codec;

import static io.memokit.codec.ValueFormat.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stored values a hostile writer could craft, byte by byte: objects whose reading runs their own
 * code, lengths far beyond the bytes that follow, nesting deeper than any stack. Each reader of a
 * store others can write must refuse them without running that code, allocating beyond the stored
 * size or overflowing its stack.
 */
public final class CraftedValues {

  /** How often a crafted object's own code ran in a reader: each run is one mark. */
  public static final AtomicInteger MARKS = new AtomicInteger();

  private CraftedValues() {}

  /** Leaves a mark when Java serialization (or FST, which follows its rules) reads it. */
  public static final class Marking implements Serializable {
    private static final long serialVersionUID = 1L;
    public String payload = "chosen by the writer";

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      MARKS.incrementAndGet();
    }
  }

  /** A plain class memokit's format writes field by field, naming it; rebuilding it runs its readResolve. */
  public static final class Plain implements Serializable {
    private static final long serialVersionUID = 1L;
    public int x = 1;

    private Object readResolve() {
      MARKS.incrementAndGet();
      return this;
    }
  }

  /** {@code value} by Java serialization, as {@link Codec#JAVA} stores it. */
  public static byte[] javaSerialized(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(value);
    }
    return out.toByteArray();
  }

  /** {@code value} in {@code codec}'s format, as memokit stores it. */
  public static byte[] encoded(byte codec, Object value) throws Exception {
    return codec == Codec.JAVA ? javaSerialized(value) : Codec.shared().encodeWith(codec, value).copy();
  }

  /** Java serialization of a {@code byte[8]} whose stored length says 2^31 - 1. */
  public static byte[] javaHugeArray() throws IOException {
    byte[] b = javaSerialized(new byte[8]);
    int at = b.length - 8 - 4; // the length precedes the 8 elements
    b[at] = 0x7f;
    b[at + 1] = b[at + 2] = b[at + 3] = (byte) 0xff;
    return b;
  }

  /** memokit's format: an array of {@code java.lang.String} claiming 2^31 - 1 elements, in a few bytes. */
  public static byte[] hugeArray() {
    return value(concat(new byte[] {(byte) OBJECT_ARRAY, 0}, text("java.lang.String"), HUGE));
  }

  /** memokit's format: a string claiming 2^31 - 1 bytes. */
  public static byte[] hugeString() {
    return value(concat(new byte[] {(byte) STRING}, HUGE));
  }

  /** memokit's format: an immutable list claiming 2^31 - 1 elements. */
  public static byte[] hugeList() {
    return value(concat(new byte[] {(byte) LIST, (byte) IMMUTABLE}, HUGE));
  }

  /** memokit's format: a {@code long[]} claiming 2^31 - 1 elements. */
  public static byte[] hugeLongs() {
    return value(concat(new byte[] {(byte) LONG_ARRAY}, HUGE));
  }

  /** memokit's format: {@code levels} optionals, each holding the next, around a null. */
  public static byte[] nested(int levels) {
    byte[] item = new byte[levels + 1];
    java.util.Arrays.fill(item, 0, levels, (byte) OPTIONAL);
    item[levels] = (byte) NULL;
    return value(item);
  }

  /** The deepest nesting memokit's format writes and reads. */
  public static int maxDepth() {
    return MAX_DEPTH;
  }

  private static final byte[] HUGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

  private static byte[] text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return concat(new byte[] {(byte) STRING, (byte) b.length}, b);
  }

  private static byte[] value(byte[] item) {
    return concat(new byte[] {(byte) MAGIC, (byte) VERSION}, item);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
