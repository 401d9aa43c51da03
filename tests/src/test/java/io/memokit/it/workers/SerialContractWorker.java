package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import io.memokit.codec.Codec;
import io.memokit.codec.SerialSamples.Box;
import io.memokit.codec.SerialSamples.Measure;
import io.memokit.codec.SerialSamples.Range;
import io.memokit.codec.SerialSamples.Tally;
import io.memokit.codec.SerialSamples.Unit;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Calls {@code contract(k)} for k = 0..7, each returning (or, for k = 7, throwing) objects whose
 * class defines its serialized form ({@link io.memokit.codec.SerialSamples}): a readObject
 * restoring a transient field (alone, and in a record's list, map and array, and in a plain
 * object's field), writeObject writing data of its own, a readResolve singleton, a writeReplace
 * proxy, an Externalizable, an exception whose readObject restores a transient field. Prints
 * {@code BODY RAN k} when it computes, {@code VALUE k description} of what it got (the derived
 * fields as the reading process has them), and {@code CODEC k name}, the codec memokit stores the
 * value with. Args: STORE
 */
public final class SerialContractWorker {

  public record Row(String name, List<Box> boxes, Map<String, Box> named, Box[] row) {
    @Override
    public String toString() {
      return name + " " + boxes + " " + named + " " + Arrays.toString(row);
    }
  }

  /** A plain class, written field by field, holding a Box. */
  public static final class Shelf {
    Box box;

    @Override
    public String toString() {
      return "Shelf holding " + box;
    }
  }

  /** An exception whose readObject restores the text it shows. */
  public static final class Overdrawn extends Exception {
    final int cents;
    transient String shown;

    Overdrawn(int cents) {
      super("overdrawn");
      this.cents = cents;
      this.shown = String.format("$%d.%02d", cents / 100, cents % 100);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      shown = String.format("$%d.%02d", cents / 100, cents % 100);
    }
  }

  private static Object make(int k) throws Overdrawn {
    System.out.println("BODY RAN " + k);
    return switch (k) {
      case 0 -> new Box(21);
      case 1 -> new Row("row", List.of(new Box(1), new Box(2)), Map.of("b", new Box(3)), new Box[] {new Box(4)});
      case 2 -> new Tally("t", "a", "b");
      case 3 -> List.of(Unit.INSTANCE, Unit.INSTANCE);
      case 4 -> new Range(3, 9);
      case 5 -> new Measure(5, "kg", List.of("net"));
      case 6 -> {
        Shelf s = new Shelf();
        s.box = new Box(7);
        yield s;
      }
      default -> throw new Overdrawn(125);
    };
  }

  public static void main(String[] args) throws Exception {
    trace(true);
    var f = memo(store(Path.of(args[0])), "contract", (Integer k) -> make(k));
    for (int k = 0; k <= 7; k++) {
      Object v;
      String shown;
      try {
        v = f.apply(k);
        shown = v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Unit
            ? "the Unit twice: " + (l.get(0) == Unit.INSTANCE) + " " + (l.get(1) == Unit.INSTANCE) : String.valueOf(v);
      } catch (Exception e) { // re-thrown as it is, checked or not
        if (!(e instanceof Overdrawn overdrawn)) throw e;
        v = e;
        shown = "raised " + overdrawn.getMessage() + " " + overdrawn.cents + " shown " + overdrawn.shown;
      }
      System.out.println("VALUE " + k + " " + shown);
      System.out.println("CODEC " + k + " " + Codec.name(Codec.shared().encode(v).codec()));
    }
  }
}
