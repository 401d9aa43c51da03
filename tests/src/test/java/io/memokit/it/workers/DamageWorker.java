package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls {@code damage.f(k)} for every key, twice, and prints what each call gave: {@code OK k}
 * (the right value, or the right exception for keys that throw), {@code WRONG k} or
 * {@code THREW k <exception>} (anything else reaching the caller), then {@code COMPUTED n}. Keys
 * give values of 100 B to 12 KiB (kept in the block's values log) and of 1 to 64 KiB (most in
 * files of their own); every seventh key throws. Args: STORE KEYS
 */
public final class DamageWorker {

  static final int MAX_KIB = 64;

  public static void main(String[] args) {
    int keys = Integer.parseInt(args[1]);
    AtomicInteger computed = new AtomicInteger();
    var f = memo(store(Path.of(args[0])), "damage.f", (Integer k) -> {
      computed.incrementAndGet();
      if (k % 7 == 6) throw new IllegalStateException("fails for " + k);
      return Values.of(k, MAX_KIB);
    });
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < keys; k++) {
        try {
          byte[] v = f.apply(k);
          System.out.println((k % 7 != 6 && Values.check(k, MAX_KIB, v) ? "OK " : "WRONG ") + k);
        } catch (IllegalStateException e) {
          System.out.println(k % 7 == 6 && e.getMessage().equals("fails for " + k) ? "OK " + k : "THREW " + k + " " + e);
        } catch (Throwable e) {
          System.out.println("THREW " + k + " " + e);
          e.printStackTrace();
        }
      }
      System.out.println("COMPUTED " + computed.get());
    }
  }
}
