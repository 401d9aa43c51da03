package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn1;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * THREADS threads calling {@code load.f} on random keys for SECONDS seconds. {@code load.f(k)}
 * throws {@code IllegalStateException("bad k")} when k % 11 == 0, else returns 3k; every
 * computation appends "S k pid nanos" and "E k pid nanos" lines to SIDE (System.nanoTime is the
 * machine's monotonic clock, comparable across processes). Prints
 * {@code CALLS n WRONG w UNEXPECTED u} at the end (and each unexpected exception).
 * Args: STORE SIDE THREADS SECONDS SEED MAXSIZE
 */
public final class LoadWorker {

  private static final long PID = ProcessHandle.current().pid();
  /** Where computations are logged; a static, not a captured value, so that it is not part of the code's identity. */
  private static FileOutputStream side;

  /** {@code load.f}, as every process of the test defines it (the same code, hence the same block). */
  public static MemoFn1<Integer, Long> define(String storeDir) {
    return memo(store(storeDir), "load.f", (Integer k) -> {
      log(side, "S " + k);
      try {
        Thread.sleep(new Random(k * 31L + System.nanoTime()).nextInt(4));
        if (k % 11 == 0) throw new IllegalStateException("bad " + k);
        return 3L * k;
      } finally {
        log(side, "E " + k);
      }
    }).ignoring("side", "PID");
  }

  public static void main(String[] args) throws Exception {
    String storeDir = args[0];
    side = new FileOutputStream(args[1], true);
    int threads = Integer.parseInt(args[2]);
    long until = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
    long seed = Long.parseLong(args[4]);
    int keys = Integer.parseInt(args.length > 6 ? args[6] : "150");
    MemoFn1<Integer, Long> f = define(storeDir);
    if (args.length > 5 && !args[5].equals("-")) f.resize(Integer.parseInt(args[5]));
    AtomicLong calls = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    AtomicLong unexpected = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random random = new Random(seed * 1000 + t);
      Thread th = new Thread(() -> {
        while (System.nanoTime() < until) {
          int k = random.nextInt(keys);
          calls.incrementAndGet();
          try {
            Long v = f.apply(k);
            if (k % 11 == 0 || v == null || v != 3L * k) wrong.incrementAndGet();
          } catch (IllegalStateException e) {
            if (k % 11 != 0 || !("bad " + k).equals(e.getMessage())) wrong.incrementAndGet();
          } catch (RuntimeException | Error e) {
            unexpected.incrementAndGet();
            System.out.println("UNEXPECTED " + e);
            e.printStackTrace(System.out);
          }
        }
      });
      workers.add(th);
      th.start();
    }
    for (Thread th : workers) th.join();
    System.out.println("CALLS " + calls.get() + " WRONG " + wrong.get() + " UNEXPECTED " + unexpected.get());
  }

  private static void log(FileOutputStream side, String what) {
    byte[] line = (what + " " + PID + " " + System.nanoTime() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (side) {
        side.write(line); // one write(2) per line, O_APPEND: lines from several processes do not interleave
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
