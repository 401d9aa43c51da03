package io.memokit.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.StreamCorruptedException;
import java.util.function.Predicate;

/**
 * Reads the Java-serialization streams of one value in memokit's format ({@link SerialOut}): each
 * object whose class defines its serialized form is read by Java serialization, so its
 * {@code readObject}, {@code readObjectNoData}, {@code readExternal} (after its public no-argument
 * constructor) and {@code readResolve} run by Java's rules, and each {@link EmbeddedItem} in it
 * becomes the item of memokit's format read in its place.
 *
 * <p>Classes are found and admitted as memokit's format finds and admits them: by the reader's
 * {@code classes} (a snippet class by its stable name, {@link SnippetDescriptors}), refused with
 * {@link InvalidClassException} when the store's allow-list rejects them. The streams' filter
 * holds every other class Java serialization checks to the same list (a superclass whose data the
 * stream lacks, what a {@code readResolve} returns), so a store's writer can make a reader
 * deserialize no class beyond what the allow-list permits, as in the rest of memokit's format;
 * dynamic proxies, which memokit never writes, are refused.
 */
final class SerialIn {

  /** Finds the class stored under a name, and admits it or refuses it ({@link InvalidClassException}). */
  @FunctionalInterface
  interface Classes {
    Class<?> find(String storedName) throws IOException, ClassNotFoundException;
  }

  /** Reads the next item of memokit's format. */
  @FunctionalInterface
  interface Items {
    Object read() throws IOException, ClassNotFoundException;
  }

  private final byte[] bytes;
  private final int[] starts;
  private final int[] lengths;
  private final Stream[] streams;
  private final Classes classes;
  private final Predicate<Class<?>> allowed;
  private final Items items;

  /**
   * The streams at {@code bytes[starts[i], starts[i] + lengths[i])}; {@code classes} finds a stored
   * class name and admits it or refuses it, {@code allowed} (null: any class) is the allow-list.
   */
  SerialIn(byte[] bytes, int[] starts, int[] lengths, Classes classes, Predicate<Class<?>> allowed,
           Items items) {
    this.bytes = bytes;
    this.starts = starts;
    this.lengths = lengths;
    this.streams = new Stream[starts.length];
    this.classes = classes;
    this.allowed = allowed;
    this.items = items;
  }

  /** The next object of stream {@code index} (opened on first use). */
  Object read(int index) throws IOException, ClassNotFoundException {
    if (index >= streams.length) {
      throw new StreamCorruptedException("a stored value is corrupted: it has " + streams.length + " streams, not "
          + (index + 1));
    }
    Stream s = streams[index];
    if (s == null) s = streams[index] = new Stream(new ByteArrayInputStream(bytes, starts[index], lengths[index]));
    try {
      return s.readObject();
    } catch (InvalidClassException e) {
      if (e.getCause() instanceof ClassNotFoundException missing) throw missing; // said in words by classes
      throw s.limits.named(e, s.refused);
    }
  }

  /** One stream, whose classes are found and admitted as memokit's format finds and admits them. */
  final class Stream extends ObjectInputStream {
    /** The item an {@link EmbeddedItem} just read: its {@code readResolve} returns it, and Java filters its class. */
    private Object resolving;
    /** The class the filter refused, to name it. */
    private Class<?> refused;
    private final Limits limits;

    private Stream(ByteArrayInputStream in) throws IOException {
      super(in);
      limits = new Limits(in.available());
      setObjectInputFilter(this::check);
    }

    /** Reads the item of memokit's format an {@link EmbeddedItem} stands for. */
    Object readItem() throws IOException, ClassNotFoundException {
      Object item = items.read();
      resolving = item;
      return item;
    }

    private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
      if (limits.exceeded(info)) return ObjectInputFilter.Status.REJECTED;
      Class<?> c = info.serialClass();
      if (c == null) return ObjectInputFilter.Status.UNDECIDED;
      Object item = resolving;
      resolving = null;
      if (c == EmbeddedItem.class || item != null && c == item.getClass()) return ObjectInputFilter.Status.ALLOWED;
      if (allowed == null || allowed.test(c)) return ObjectInputFilter.Status.UNDECIDED;
      refused = c;
      return ObjectInputFilter.Status.REJECTED;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      Class<?> local = desc.forClass(); // a snippet class's descriptor is this process's own already
      if (local != null) return local;
      return desc.getName().equals(EmbeddedItem.class.getName()) ? EmbeddedItem.class : classes.find(desc.getName());
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
      throw new InvalidClassException("a dynamic proxy", "memokit's format holds none");
    }

    @Override
    protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
      int kind = readUnsignedByte();
      if (kind == SnippetDescriptors.JAVA) return super.readClassDescriptor();
      if (kind != SnippetDescriptors.SNIPPET) {
        throw new StreamCorruptedException("a stored value is corrupted: class descriptor of kind " + kind);
      }
      String name = readUTF();
      return SnippetDescriptors.local(name, readUTF(), classes);
    }
  }
}
