package io.memokit.it.workers;


import io.memokit.Memo.MemoFn1;
import java.nio.file.Path;
import java.util.Random;

/**
 * Manages {@code load.f}'s block while others use it: clear(), clearErrors() and resize() at random,
 * every 30 to 150 ms, for SECONDS seconds. Prints {@code MANAGED n UNEXPECTED u}.
 * Args: STORE SECONDS SEED
 */
public final class Manager {
  public static void main(String[] args) throws Exception {
    MemoFn1<Integer, Long> f = LoadWorker.define(args[0]);
    long until = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    Random random = new Random(Long.parseLong(args[2]));
    int managed = 0;
    int unexpected = 0;
    while (System.nanoTime() < until) {
      try {
        switch (random.nextInt(3)) {
          case 0 -> f.clear();
          case 1 -> f.clearErrors();
          default -> f.resize(5 + random.nextInt(60));
        }
        managed++;
      } catch (RuntimeException | Error e) {
        unexpected++;
        System.out.println("UNEXPECTED " + e);
        e.printStackTrace(System.out);
      }
      Thread.sleep(30 + random.nextInt(120));
    }
    System.out.println("MANAGED " + managed + " UNEXPECTED " + unexpected);
  }
}
