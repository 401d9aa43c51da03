package io.memokit.codec;

import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Classes that define their serialized form as users write them, one per rule of Java
 * serialization's contract; the codec's tests and the tests across processes store them.
 */
public final class SerialSamples {

  private SerialSamples() {}

  public record Point(int x, int y) {}

  /** The users' case: a derived field, rebuilt by readObject. */
  public static final class Box implements Serializable {
    public final int value;
    public transient int doubled;

    public Box(int value) {
      this.value = value;
      this.doubled = 2 * value;
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      doubled = 2 * value;
    }

    @Override
    public String toString() {
      return "Box(" + value + " doubled " + doubled + ")";
    }
  }

  /** Writes data of its own after its fields: a count, then the items it keeps out of its fields. */
  public static final class Tally implements Serializable {
    public final String name;
    public transient List<Object> items = new ArrayList<>();
    public transient int count;

    public Tally(String name, Object... items) {
      this.name = name;
      this.items.addAll(List.of(items));
      this.count = this.items.size() + 1000;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      out.writeInt(items.size() + 1000);
      out.writeObject(items);
    }

    @Serial
    @SuppressWarnings("unchecked")
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      count = in.readInt();
      items = (List<Object>) in.readObject();
    }

    @Override
    public String toString() {
      return "Tally " + name + " count " + count + " items " + items;
    }
  }

  /** A singleton kept one by its readResolve, read by Java serialization (it declares readObject). */
  public static final class Unit implements Serializable {
    public static final Unit INSTANCE = new Unit();

    private Unit() {}

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
    }

    @Serial
    private Object readResolve() {
      return INSTANCE;
    }
  }

  /** The serialization proxy pattern: a Range is only ever read back through its proxy, a record. */
  public static final class Range implements Serializable {
    public final int lo;
    public final int hi;

    public Range(int lo, int hi) {
      if (lo > hi) throw new IllegalArgumentException(lo + " > " + hi);
      this.lo = lo;
      this.hi = hi;
    }

    @Serial
    private Object writeReplace() {
      return new RangeProxy(lo, hi);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
      throw new InvalidObjectException("a Range is read through its proxy");
    }

    @Override
    public String toString() {
      return "Range " + lo + ".." + hi;
    }
  }

  public record RangeProxy(int lo, int hi) implements Serializable {
    @Serial
    private Object readResolve() {
      return new Range(lo, hi);
    }
  }

  /** Externalizable: made by its public no-argument constructor, then readExternal. */
  public static final class Measure implements Externalizable {
    public transient boolean madeByNoArgConstructor;
    public int amount;
    public String unit;
    public List<Object> items;

    public Measure() {
      madeByNoArgConstructor = true;
    }

    public Measure(int amount, String unit, List<Object> items) {
      this.amount = amount;
      this.unit = unit;
      this.items = items;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
      out.writeInt(amount);
      out.writeUTF(unit);
      out.writeObject(items);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
      amount = in.readInt();
      unit = in.readUTF();
      items = (List<Object>) in.readObject();
    }

    @Override
    public String toString() {
      return "Measure " + amount + " " + unit + " " + items
          + (madeByNoArgConstructor ? " (made by its no-arg constructor)" : "");
    }
  }
}
