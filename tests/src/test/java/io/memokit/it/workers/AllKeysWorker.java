package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn1;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * THREADS threads each call {@code many.f} on every key 0..KEYS-1 in its own shuffled order. The
 * body appends {@code k} to SIDE (one write per line), sleeps 20 to 50 ms and returns k * k.
 * Prints {@code CALLS n WRONG w}.
 * Args: STORE SIDE THREADS KEYS SEED
 */
public final class AllKeysWorker {

  /** {@code many.f}, as every process of the test defines it (the same code and side file: the same block). */
  public static MemoFn1<Integer, Long> define(String store, Path sideFile) {
    String side = sideFile.toString();
    return memo(store(store), "many.f", (Integer k) -> {
      try (FileOutputStream out = new FileOutputStream(side, true)) {
        out.write((k + "\n").getBytes(StandardCharsets.UTF_8));
      }
      Thread.sleep(20 + new Random(k).nextInt(31));
      return (long) k * k;
    });
  }

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[2]);
    int keys = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    MemoFn1<Integer, Long> f = define(args[0], Path.of(args[1]));
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Integer> order = new ArrayList<>();
      for (int k = 0; k < keys; k++) order.add(k);
      Collections.shuffle(order, new Random(seed * 100 + t));
      Thread th = new Thread(() -> {
        for (int k : order) {
          calls.incrementAndGet();
          if (f.apply(k) != (long) k * k) wrong.incrementAndGet();
        }
      });
      all.add(th);
      th.start();
    }
    for (Thread th : all) th.join();
    System.out.println("CALLS " + calls.get() + " WRONG " + wrong.get());
  }
}
