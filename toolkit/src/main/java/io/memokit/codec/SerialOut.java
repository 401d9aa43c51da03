package io.memokit.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The Java-serialization streams of one value written in memokit's format. An object whose class
 * defines its serialized form ({@link SerialContract}) is written by an {@link ObjectOutputStream},
 * so its {@code writeReplace}, {@code writeObject} and {@code writeExternal} run as in Java
 * serialization, and {@link SerialIn} reads it back by its own rules. What such an object holds,
 * at any depth, is written as anywhere else in the value, in memokit's format, in its place
 * ({@link EmbeddedItem}); only such objects, strings, and serializable objects of JDK classes
 * memokit's format does not hold are written by Java serialization. So records are still rebuilt
 * through their canonical constructor, snippet classes found by stable name
 * ({@link SnippetDescriptors}), every class judged by the reader's allow-list, and an object held
 * both there and elsewhere in the value stays one object.
 *
 * <p>Shared references and cycles are kept as Java serialization keeps them: each such object is
 * written once, into one stream, and every later occurrence, from a stream or from the rest of the
 * value, is a back-reference into that stream. A new such object starts a top-level object of a
 * stream that is not in the middle of writing another (a new stream when all are), so a stream's
 * back-references only ever reach its own objects, never an item still being written in its place
 * (which a reader could not give yet). The one cycle this cannot read back, nor can Java
 * serialization, is refused: an object held by the object its {@code writeReplace} returns.
 */
final class SerialOut {

  /** Writes an item of memokit's format. */
  @FunctionalInterface
  interface Items {
    void write(Object item) throws IOException;
  }

  private final Items items;
  private final List<Stream> streams = new ArrayList<>();
  /** The stream each such object is written into. */
  private final IdentityHashMap<Object, Stream> homes = new IdentityHashMap<>();
  /** An object written at the top of a stream as the item its {@code writeReplace} returned: that item. */
  private final IdentityHashMap<Object, Object> proxies = new IdentityHashMap<>();
  /** The items being written in a stream's place right now. */
  private final IdentityHashMap<Object, Boolean> embedding = new IdentityHashMap<>();

  SerialOut(Items items) {
    this.items = items;
  }

  /** The stream {@code o} goes to: the one it was written into, else one free to start an object. */
  int streamFor(Object o) throws IOException {
    Stream home = homes.get(o);
    if (home == null) {
      home = free();
      homes.put(o, home);
    } else if (embedding.containsKey(proxies.get(o))) {
      throw ValueWriter.heldByItsReplacement(o);
    }
    return home.index;
  }

  /** Writes {@code o} into stream {@code index}: whole the first time, then as a back-reference. */
  void write(int index, Object o) throws IOException {
    Stream s = streams.get(index);
    s.active++;
    s.top = o;
    try {
      s.writeObject(o);
    } finally {
      s.active--;
      s.top = null;
    }
  }

  /** Each stream's bytes, in order. */
  List<byte[]> finish() throws IOException {
    List<byte[]> all = new ArrayList<>(streams.size());
    for (Stream s : streams) {
      s.flush();
      all.add(s.bytes.toByteArray());
    }
    return all;
  }

  /** Whether {@code o} was written into one of the streams (a later occurrence refers to it there). */
  boolean wrote(Object o) {
    return homes.containsKey(o);
  }

  /** Whether an item is being written in a stream's place: what is written now is held by a stream's object. */
  boolean inside() {
    return !embedding.isEmpty();
  }

  /**
   * Whether a stream writes {@code o} as Java serialization does, rather than as an item of memokit's
   * format: when its class defines its serialized form, or it is a serializable object of a JDK class
   * that memokit's format does not hold (such as the proxy a {@code List.of} list or a
   * {@code java.time} value is written as, since Java serialization calls a JDK class's
   * {@code writeReplace} before a stream is asked).
   */
  private static boolean writesItself(Object o) {
    Class<?> c = o.getClass();
    return SerialContract.definesForm(c)
        || Shapes.isJdk(c) && o instanceof java.io.Serializable && !ValueWriter.holds(o);
  }

  private Stream free() throws IOException {
    for (Stream s : streams) {
      if (s.active == 0) return s;
    }
    Stream s = new Stream(new ByteArrayOutputStream(), streams.size());
    streams.add(s);
    return s;
  }

  /** One stream: its objects, with an {@link EmbeddedItem} for whatever memokit's format writes. */
  final class Stream extends ObjectOutputStream {
    private final ByteArrayOutputStream bytes;
    private final int index;
    /** How many writes of this stream are under way (a back-reference may be written within another). */
    private int active;
    /** The object a write started with, until Java serialization asks what to write for it. */
    private Object top;

    private Stream(ByteArrayOutputStream bytes, int index) throws IOException {
      super(bytes);
      this.bytes = bytes;
      this.index = index;
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      Object first = top;
      top = null;
      if (obj == null || obj instanceof String) return obj;
      if (writesItself(obj)) {
        Stream home = homes.putIfAbsent(obj, this);
        if (home == null || home == this) return obj;
      }
      if (first != null && first != obj) proxies.put(first, obj);
      return new EmbeddedItem(obj);
    }

    @Override
    protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
      String stored = SnippetDescriptors.storedName(desc);
      if (stored == null) {
        writeByte(SnippetDescriptors.JAVA);
        super.writeClassDescriptor(desc);
      } else {
        writeByte(SnippetDescriptors.SNIPPET);
        writeUTF(stored);
        writeUTF(SnippetDescriptors.form(desc));
      }
    }

    /** Writes {@code item} in memokit's format, where an {@link EmbeddedItem} stands for it. */
    void writeItem(Object item) throws IOException {
      boolean outermost = embedding.put(item, Boolean.TRUE) == null;
      try {
        items.write(item);
      } finally {
        if (outermost) embedding.remove(item);
      }
    }
  }
}
