package io.memokit.function;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A cell's arguments in words, read back from its stored canonical key ({@link KeyWriter}'s
 * encoding): {@code (7, "abc", [1, 2])}, at most {@value #MAX_CHARS} characters, ending in
 * {@code ...} where cut. It shows what the caller passed and nothing else: not the values read at
 * call time, not an argument the function ignores ({@code _}). Text a key cannot give back (a
 * {@code java.time} value) ends the text with {@code ...}. Only a key whose hash matches the
 * cell's is read, so a damaged record never shows another call's arguments.
 */
public final class KeyText {

  /** The longest text returned. */
  public static final int MAX_CHARS = 80;

  private final ByteBuffer in;
  private final StringBuilder out = new StringBuilder();
  /** Reading values that are not shown (what a function argument reads): no length limit applies. */
  private boolean skipping;

  private KeyText(byte[] key) {
    this.in = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Thrown where the text is long enough, or the key holds what it cannot give back. */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  /**
   * The arguments of the key {@code encoding} in words, or {@code null} when there is no key to read
   * (too large to keep) or it does not hash to {@code hi}, {@code lo}.
   */
  public static String arguments(byte[] encoding, long hi, long lo) {
    if (encoding == null || encoding.length < 2) return null;
    Murmur3 h = new Murmur3();
    h.reset();
    h.update(encoding, 0, encoding.length);
    long[] hash = new long[2];
    h.finish(hash);
    if (hash[0] != hi || hash[1] != lo) return null;
    KeyText t = new KeyText(encoding);
    try {
      t.in.get(); // the key format
      int n = t.in.get() & 0xff;
      t.out.append('(');
      for (int i = 0; i < n; i++) {
        if (i > 0) t.append(", ");
        t.value();
      }
      t.out.append(')');
    } catch (RuntimeException e) { // Stop, or a key cut short (BufferUnderflowException)
      // Long enough, or a value the key cannot give back (or does not hold whole): cut here.
      if (t.out.length() > MAX_CHARS - 3) t.out.setLength(MAX_CHARS - 3);
      t.out.append("...");
    }
    return t.out.toString();
  }

  private void append(String s) {
    out.append(s);
    if (!skipping && out.length() > MAX_CHARS) throw new Stop();
  }

  private String string() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  private static String simpleName(String typeName) {
    return typeName.substring(Math.max(typeName.lastIndexOf('.'), typeName.lastIndexOf('$')) + 1);
  }

  /**
   * The deepest nesting shown: a key is a writer's bytes (its hash is no secret), so reading it for
   * display never goes deeper, whoever wrote the store.
   */
  private static final int MAX_DEPTH = 100;
  private int depth;

  private void value() {
    if (++depth > MAX_DEPTH) throw new Stop();
    int tag = in.get() & 0xff;
    valueOf(tag);
    depth--;
  }

  private void valueOf(int tag) {
    switch (tag) {
      case KeyWriter.NULL -> append("null");
      case KeyWriter.FALSE -> append("false");
      case KeyWriter.TRUE -> append("true");
      case KeyWriter.BYTE -> append(Byte.toString(in.get()));
      case KeyWriter.SHORT -> append(Short.toString(in.getShort()));
      case KeyWriter.INT -> append(Integer.toString(in.getInt()));
      case KeyWriter.LONG -> append(in.getLong() + "L");
      case KeyWriter.FLOAT -> append(Float.intBitsToFloat(in.getInt()) + "f");
      case KeyWriter.DOUBLE -> append(Double.toString(Double.longBitsToDouble(in.getLong())));
      case KeyWriter.CHAR -> append("'" + in.getChar() + "'");
      case KeyWriter.STRING -> append("\"" + string() + "\"");
      case KeyWriter.BIG_INTEGER -> append(new BigInteger(bytes()).toString());
      case KeyWriter.BIG_DECIMAL -> {
        int scale = in.getInt();
        append(new BigDecimal(new BigInteger(bytes()), scale).toString());
      }
      case KeyWriter.ENUM -> {
        String type = string();
        append(simpleName(type) + "." + string());
      }
      case KeyWriter.RECORD -> {
        String type = string();
        append(simpleName(type) + "[");
        sequence(in.getInt());
        append("]");
      }
      case KeyWriter.OPTIONAL_EMPTY -> append("Optional.empty");
      case KeyWriter.OPTIONAL -> {
        append("Optional[");
        value();
        append("]");
      }
      case KeyWriter.LIST, KeyWriter.OBJECT_ARRAY -> {
        append("[");
        sequence(in.getInt());
        append("]");
      }
      case KeyWriter.SET -> sorted("{", "}");
      case KeyWriter.MAP -> sorted("{", "}");
      case KeyWriter.PATH, KeyWriter.FILE -> append(string());
      case KeyWriter.BOOLEAN_ARRAY -> array(1, "boolean");
      case KeyWriter.BYTE_ARRAY -> array(1, "byte");
      case KeyWriter.SHORT_ARRAY -> array(2, "short");
      case KeyWriter.CHAR_ARRAY -> array(2, "char");
      case KeyWriter.INT_ARRAY -> array(4, "int");
      case KeyWriter.FLOAT_ARRAY -> array(4, "float");
      case KeyWriter.LONG_ARRAY -> array(8, "long");
      case KeyWriter.DOUBLE_ARRAY -> array(8, "double");
      case KeyWriter.FUNCTION, KeyWriter.FUNCTION_WITH_CODE -> function(tag);
      case KeyWriter.FUNCTION_READING -> {
        function(in.get() & 0xff);
        skipReads();
      }
      case KeyWriter.DEFINITION -> definition();
      case KeyWriter.IGNORED -> append("_");
      default -> throw new Stop(); // a java.time value, or a tag this version does not know
    }
  }

  /** Stored bytes, refused (a cut) when their length could not fit in the key: nothing beyond the key is allocated. */
  private byte[] bytes() {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) throw new Stop();
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private void sequence(int n) {
    for (int i = 0; i < n; i++) {
      if (i > 0) append(", ");
      value();
    }
  }

  /** A set's elements or a map's entries, each a length-prefixed encoding, in their key order. */
  private void sorted(String open, String close) {
    append(open);
    int n = in.getInt();
    for (int i = 0; i < n; i++) {
      if (i > 0) append(", ");
      int length = in.getInt();
      int end = in.position() + length;
      value();
      if (in.position() < end) { // a map entry: its value follows its key
        append("=");
        value();
      }
    }
    append(close);
  }

  /** A primitive array, shown by its type and length ({@code int[1000]}); its elements are skipped. */
  private void array(int width, String type) {
    int n = in.getInt();
    in.position(in.position() + n * width);
    append(type + "[" + n + "]");
  }

  private void function(int tag) {
    String name = string();
    String version = string();
    in.get(); // arity
    if (tag == KeyWriter.FUNCTION_WITH_CODE) string();
    append(version.isEmpty() ? name : name + "{" + version + "}");
  }

  /** The values a function reads at call time: part of the key, not of the arguments the caller passed. */
  private void skipReads() {
    if ((in.get() & 0xff) != KeyWriter.READS) throw new Stop();
    int n = in.getInt();
    int start = out.length();
    boolean outer = skipping;
    skipping = true;
    for (int i = 0; i < n; i++) {
      string();
      if ((in.get(in.position()) & 0xff) == KeyWriter.BY_TYPE) {
        in.get();
        string();
      } else {
        value();
      }
    }
    skipping = outer;
    out.setLength(start);
  }

  /** An expression or a chain, by its definition: {@code sq(3)} (lazy), {@code chain(...)}. */
  private void definition() {
    String kind = string();
    if (kind.equals("expr")) {
      int tag = in.get() & 0xff;
      if (tag == KeyWriter.FUNCTION_READING) {
        function(in.get() & 0xff);
        skipReads();
      } else {
        function(tag);
      }
      append("(");
      sequence(in.getInt());
      append(")");
    } else if (kind.equals("chain")) {
      append("chain(");
      sequence(in.getInt());
      append(")");
    } else {
      throw new Stop();
    }
  }
}
