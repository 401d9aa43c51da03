package io.memokit.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.function.Predicate;

/**
 * Java serialization of the whole value: what memokit's own format cannot hold is written with it
 * where FST cannot run (Serializable classes only). Classes are found by the {@link ClassResolver},
 * and the reader's allow-list is the stream's filter. Values it writes are never shared between
 * hits: it cannot tell whether a caller could change them.
 */
final class JavaFormat extends Format {


  JavaFormat(ClassResolver resolver) {
    super(Codec.JAVA, "java", resolver);
  }

  @Override
  Codec.Encoded encode(Object value) throws Codec.NotStorableException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
      out.flush();
      return new Codec.Encoded(Codec.JAVA, bytes.toByteArray(), bytes.size(), false);
    } catch (IOException | RuntimeException e) {
      throw Codec.NotStorableException.of(value, e);
    }
  }

  @Override
  Object decode(byte[] bytes, int length, Predicate<Class<?>> allowed)
      throws IOException, ClassNotFoundException {
    ResolvingObjectInputStream in = new ResolvingObjectInputStream(new ByteArrayInputStream(bytes, 0, length), allowed);
    try (in) {
      return in.readObject();
    } catch (InvalidClassException e) {
      throw in.limits.named(e, in.refused);
    }
  }

  private final class ResolvingObjectInputStream extends ObjectInputStream {
    /** The class the filter refused, to name it. */
    private Class<?> refused;
    private final Limits limits;

    ResolvingObjectInputStream(ByteArrayInputStream in, Predicate<Class<?>> allowed) throws IOException {
      super(in);
      limits = new Limits(in.available());
      setObjectInputFilter(info -> {
        if (limits.exceeded(info)) return ObjectInputFilter.Status.REJECTED;
        Class<?> c = info.serialClass();
        if (c == null || allowed == null || allowed.test(c)) return ObjectInputFilter.Status.UNDECIDED;
        refused = c;
        return ObjectInputFilter.Status.REJECTED;
      });
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return resolver.resolve(desc.getName());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
