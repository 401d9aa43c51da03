package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Calls {@code values(k)} for k = 0..6, each returning one kind of value the benchmarks and users
 * store (a record, a map of records, a 64 KiB array, dates and an enum, a nested list, for k = 5 a
 * thrown exception with a cause, and for k = 6 a synchronized list, which only FST writes), then
 * prints {@code VALUE k description} for each, and {@code JAVA version}. Run under one JDK then another on one store, the second run hits every cell
 * and prints the same lines. Args: STORE
 */
public final class ValuesWorker {

  public record Sample(String name, int n, double[] weights, List<String> tags) {
    @Override
    public String toString() {
      return name + "/" + n + "/" + Arrays.toString(weights) + "/" + tags;
    }
  }

  public static final class Failed extends Exception {
    public final int code;

    Failed(int code, Throwable cause) {
      super("failed with " + code, cause);
      this.code = code;
    }
  }

  public static void main(String[] args) {
    trace(true);
    var f = memo(store(Path.of(args[0])), "values", (Integer k) -> switch (k) {
      case 0 -> new Sample("a", 1, new double[] {0.5, 1.5}, List.of("x", "y"));
      case 1 -> {
        Map<String, Sample> m = new TreeMap<>();
        for (int i = 0; i < 100; i++) m.put("k" + i, new Sample("s" + i, i, new double[] {i}, List.of()));
        yield m;
      }
      case 2 -> {
        byte[] b = new byte[64 * 1024];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31);
        yield b;
      }
      case 3 -> new LinkedHashMap<>(Map.of("day", LocalDate.of(2026, 11, 25), "unit", TimeUnit.HOURS,
          "when", ZonedDateTime.of(2026, 3, 29, 1, 30, 0, 0, ZoneId.of("Europe/Paris")), "long", Duration.ofHours(30)));
      case 4 -> List.of(List.of(1, 2L, 3.0f), Map.of("nested", List.of(new Sample("n", 0, new double[0], List.of()))));
      case 5 -> throw new Failed(k, new IllegalStateException("inner " + k));
      default -> java.util.Collections.synchronizedList(new java.util.ArrayList<>(List.of("kept by FST")));
    });
    for (int k = 0; k <= 6; k++) {
      String shown;
      try {
        Object v = f.apply(k);
        shown = v instanceof byte[] b ? "bytes " + b.length + " " + Arrays.hashCode(b) : String.valueOf(v);
      } catch (Exception e) { // re-thrown as it is, checked or not
        if (!(e instanceof Failed failed)) throw e;
        shown = "raised " + failed.getMessage() + " code " + failed.code + " cause " + failed.getCause().getMessage();
      }
      System.out.println("VALUE " + k + " " + shown);
    }
    System.out.println("JAVA " + Runtime.version().feature());
  }
}
