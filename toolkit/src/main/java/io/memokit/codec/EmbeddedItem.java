package io.memokit.codec;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;

/**
 * Stands, in a Java-serialization stream of memokit's format, for an item written in memokit's
 * format: a list, record, array or other object that an object with its own serialized form holds
 * ({@link SerialOut}). Its data is that item, read by {@link SerialIn} in the same order it was
 * written; it resolves to the item, so the object holding it gets the item itself. It writes and
 * reads only through memokit's streams, and only the classes it holds are instantiated (each
 * admitted by the reader's allow-list). Stored values name this class: it is never renamed or moved.
 */
final class EmbeddedItem implements Serializable {

  @Serial
  private static final long serialVersionUID = 1L;

  private transient Object item;

  EmbeddedItem(Object item) {
    this.item = item;
  }

  @Serial
  private void writeObject(ObjectOutputStream out) throws IOException {
    if (!(out instanceof SerialOut.Stream stream)) {
      throw new NotSerializableException(EmbeddedItem.class.getName() + " (only memokit's value format writes it)");
    }
    stream.writeItem(item);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    if (!(in instanceof SerialIn.Stream stream)) {
      throw new InvalidObjectException("only memokit's value format holds an " + EmbeddedItem.class.getName());
    }
    item = stream.readItem();
  }

  @Serial
  private Object readResolve() {
    return item;
  }
}
