package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import io.memokit.Memo.MemoFn1;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * Computes cells of {@code kill.f} (values of 1 KiB to MAXKIB KiB) in a
 * random key order, forever, checking every value, until it is killed. Opens the store only once it
 * reads a line on its standard input (the test's go), and prints {@code READY} then.
 * Args: STORE KEYS MAXKIB SEED
 */
public final class KillableWorker {

  /** {@code kill.f}, as the worker and the checker define it (the same code: the same block). */
  public static MemoFn1<Integer, byte[]> define(Path storeDir, int maxKiB) {
    return memo(store(storeDir), "kill.f", (Integer k) -> Values.of(k, maxKiB));
  }

  public static void main(String[] args) throws Exception {
    Path storeDir = Path.of(args[0]);
    int keys = Integer.parseInt(args[1]);
    int maxKiB = Integer.parseInt(args[2]);
    Random random = new Random(Long.parseLong(args[3]));
    if (new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine() == null) return;
    trace(true);
    MemoFn1<Integer, byte[]> f = define(storeDir, maxKiB);
    f.resize(100_000);
    System.out.println("READY");
    for (;;) {
      int k = random.nextInt(keys);
      if (!Values.check(k, maxKiB, f.apply(k))) {
        System.out.println("WRONG " + k);
        System.exit(3);
      }
    }
  }
}
