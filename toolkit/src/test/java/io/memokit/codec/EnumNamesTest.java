package io.memokit.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnumNamesTest {

  enum Size { KLEIN, GROß, ÉNORME, K, KL }

  enum Op {
    PLUS {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    },
    TIMES {
      @Override
      int apply(int a, int b) {
        return a * b;
      }
    };

    abstract int apply(int a, int b);
  }

  enum Empty {}

  /** Every constant of {@code type} is found by its UTF-8 name, wherever the name lies in a larger array. */
  private static <E extends Enum<E>> void everyConstantIsFoundByItsName(Class<E> type) {
    EnumNames names = EnumNames.of(type);
    for (E e : type.getEnumConstants()) {
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      for (int offset : new int[] {0, 1, 7}) {
        byte[] around = new byte[offset + name.length + 3];
        System.arraycopy(name, 0, around, offset, name.length);
        assertSame(e, names.find(around, offset, name.length), e + " at offset " + offset);
      }
    }
  }

  @Test
  void everyConstantOfSmallLargeAndNonAsciiEnumsIsFoundByItsName() {
    everyConstantIsFoundByItsName(Size.class);
    everyConstantIsFoundByItsName(Op.class);
    everyConstantIsFoundByItsName(Thread.State.class);
    everyConstantIsFoundByItsName(Character.UnicodeScript.class); // well over a hundred constants
  }

  @Test
  void aNameThatIsNoConstantsFindsNothing() {
    EnumNames names = EnumNames.of(Size.class);
    for (String other : new String[] {"", "KLE", "KLEINE", "klein", "GROSS", "ENORME", "L", "KLEIN "}) {
      byte[] b = other.getBytes(StandardCharsets.UTF_8);
      assertNull(names.find(b, 0, b.length), other);
    }
    byte[] kl = "KLEIN".getBytes(StandardCharsets.UTF_8);
    assertSame(Size.K, names.find(kl, 0, 1), "a prefix is matched as the name of its own length only");
    assertSame(Size.KL, names.find(kl, 0, 2));
    assertNull(EnumNames.of(Empty.class).find(kl, 0, 5));
  }

  @Test
  void enumSetsAndMapsRoundTripWhateverTheirConstantsAndSize() throws Exception {
    for (Object v : new Object[] {EnumSet.noneOf(Size.class), EnumSet.allOf(Size.class), EnumSet.of(Op.TIMES),
        EnumSet.noneOf(Op.class), EnumSet.allOf(Character.UnicodeScript.class), new EnumMap<>(Size.class),
        new EnumMap<>(Map.of(Op.PLUS, 1, Op.TIMES, 2)), new EnumMap<>(Map.of(Size.GROß, "g", Size.ÉNORME, "e"))}) {
      byte[] b = ValueWriter.write(v);
      Object back = ValueReader.read(b, b.length, name -> Class.forName(name, false, getClass().getClassLoader()), null);
      assertEquals(v, back);
      assertEquals(v.getClass(), back.getClass());
    }
    byte[] b = ValueWriter.write(EnumSet.noneOf(Op.class));
    @SuppressWarnings("unchecked")
    EnumSet<Op> empty = (EnumSet<Op>) ValueReader.read(b, b.length,
        name -> Class.forName(name, false, getClass().getClassLoader()), null);
    empty.add(Op.PLUS); // of the enum the empty set was of
    assertEquals(3, empty.iterator().next().apply(1, 2));
  }

  /** Bytes of a stored value, built by hand as another writer (an earlier memokit, another enum) wrote them. */
  private static final class Stored {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Stored() {
      out.write(ValueFormat.MAGIC);
      out.write(ValueFormat.VERSION);
    }

    Stored b(int... bytes) {
      for (int x : bytes) out.write(x);
      return this;
    }

    Stored varint(int v) {
      while ((v & ~0x7F) != 0) {
        out.write((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out.write(v);
      return this;
    }

    Stored text(String s) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      varint(u.length);
      out.writeBytes(u);
      return this;
    }

    /** A new class, by name. */
    Stored type(Class<?> c) {
      return varint(0).b(ValueFormat.STRING).text(c.getName());
    }

    /** An enum's table of names, in the writer's order. */
    Stored table(String... names) {
      varint(names.length);
      for (String n : names) text(n);
      return this;
    }

    Object read() throws Exception {
      byte[] b = out.toByteArray();
      return ValueReader.read(b, b.length, name -> Class.forName(name, false, EnumNamesTest.class.getClassLoader()),
          null);
    }
  }

  @Test
  void setsAndMapsStoredWithEachElementByNameAreReadAsBefore() throws Exception {
    Object set = new Stored().b(ValueFormat.SET, ValueFormat.ENUM_KIND).type(Size.class).varint(2)
        .b(ValueFormat.ENUM).varint(1).b(ValueFormat.STRING).text("ÉNORME")
        .b(ValueFormat.ENUM).varint(1).b(ValueFormat.STRING).text("K").read();
    assertEquals(EnumSet.of(Size.ÉNORME, Size.K), set);
    Object map = new Stored().b(ValueFormat.MAP, ValueFormat.ENUM_KIND).type(Op.class).varint(1)
        .b(ValueFormat.ENUM).varint(1).b(ValueFormat.STRING).text("TIMES").b(ValueFormat.INT, 7, 0, 0, 0).read();
    assertEquals(new EnumMap<>(Map.of(Op.TIMES, 7)), map);
  }

  @Test
  void ordinalsAreThoseOfTheWritersNamesNotOfTheEnumHere() throws Exception {
    // A writer whose enum had these constants in another order, one of them unknown here.
    Object set = new Stored().b(ValueFormat.SET, ValueFormat.ENUM_ORDINALS).type(Size.class)
        .table("ÉNORME", "KLEIN", "GONE", "KL").varint(3).varint(0).varint(1).varint(3).read();
    assertEquals(EnumSet.of(Size.ÉNORME, Size.KLEIN, Size.KL), set);
    Object map = new Stored().b(ValueFormat.MAP, ValueFormat.ENUM_ORDINALS).type(Op.class).table("TIMES", "PLUS")
        .varint(2).varint(0).b(ValueFormat.INT, 2, 0, 0, 0).varint(1).b(ValueFormat.INT, 1, 0, 0, 0).read();
    assertEquals(new EnumMap<>(Map.of(Op.TIMES, 2, Op.PLUS, 1)), map);
    // The same names in the same order as here, as this process writes them.
    assertEquals(EnumSet.of(Size.K), new Stored().b(ValueFormat.SET, ValueFormat.ENUM_ORDINALS).type(Size.class)
        .table("KLEIN", "GROß", "ÉNORME", "K", "KL").varint(1).varint(3).read());
  }

  @Test
  void anElementWhoseNameTheEnumLacksHereOrAnOrdinalOutsideTheTableIsRefused() {
    IOException missing = assertThrows(ValueReader.IncompatibleClassException.class, () -> new Stored()
        .b(ValueFormat.SET, ValueFormat.ENUM_ORDINALS).type(Size.class).table("KLEIN", "GONE").varint(1).varint(1)
        .read());
    assertTrue(missing.getMessage().contains("GONE"), missing.getMessage());
    assertThrows(IOException.class, () -> new Stored().b(ValueFormat.SET, ValueFormat.ENUM_ORDINALS).type(Size.class)
        .table("KLEIN", "GROß", "ÉNORME", "K", "KL").varint(1).varint(5).read());
    assertThrows(ValueReader.IncompatibleClassException.class, () -> new Stored()
        .b(ValueFormat.SET, ValueFormat.ENUM_ORDINALS).type(String.class).table("KLEIN").varint(1).varint(0).read());
  }
}
