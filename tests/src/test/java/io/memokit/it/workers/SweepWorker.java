package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import io.memokit.Memo.MemoFn1;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sweeps {@code sweep.f} over the inputs 0..N-1 ({@code f.map}), with trace on. {@code sweep.f(k)}
 * sleeps DELAY_MS and returns {@code "v" + k}; each computation appends "S k pid nanos" and
 * "E k pid nanos" lines to SIDE (as {@link LoadWorker} does). Prints {@code RESULTS n OK} when the
 * sweep returned the n results in input order (else {@code RESULTS n WRONG list}) and
 * {@code SWEPT ms} (the sweep's wall time); the sweep itself prints its progress line. Prints
 * {@code READY} once its store is open and waits for a line on its standard input before it sweeps,
 * so that the processes of a test sweep from the same moment, whenever their JVMs came up.
 * Args: STORE SIDE N DELAY_MS
 */
public final class SweepWorker {

  private static final long PID = ProcessHandle.current().pid();
  /** Statics the function is said to ignore: every process of a test shares its cells. */
  private static FileOutputStream side;
  private static long delay;

  /** {@code sweep.f}, as every process of the test defines it. */
  public static MemoFn1<Integer, String> define(String store) {
    return memo(store(store), "sweep.f", (Integer k) -> {
      log("S " + k);
      Thread.sleep(delay);
      log("E " + k);
      return "v" + k;
    }).ignoring("side", "delay", "PID");
  }

  public static void main(String[] args) throws Exception {
    side = new FileOutputStream(args[1], true);
    int n = Integer.parseInt(args[2]);
    delay = Long.parseLong(args[3]);
    trace(true);
    MemoFn1<Integer, String> f = define(args[0]);
    List<Integer> inputs = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      inputs.add(k);
      expected.add("v" + k);
    }
    System.out.println("READY");
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    long t0 = System.nanoTime();
    List<String> results = f.map(inputs);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("RESULTS " + results.size() + (results.equals(expected) ? " OK" : " WRONG " + results));
    System.out.println("SWEPT " + ms);
  }

  private static void log(String what) throws IOException {
    byte[] line = (what + " " + PID + " " + System.nanoTime() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (side) {
      side.write(line); // one write(2) per line, O_APPEND: lines from several processes do not interleave
    }
  }
}
