package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CountDownLatch;

/**
 * A session that acts on single calls' cells as its standard input says, one command a line:
 * {@code call N}, {@code cached N}, {@code peek N}, {@code forget N} on {@code cc.f} (which prints
 * {@code COMPUTED N} when it computes), {@code slow N} (starts computing {@code cc.slow(N)} on a
 * thread, which waits for {@code release}), {@code slowcached N} (isCached and peek of it, timed).
 * Each command's answer is one line starting with the command's name. Args: STORE
 */
public final class CallControlWorker {
  public static void main(String[] args) throws Exception {
    var s = store(args[0]);
    var f = memo(s, "cc.f", (Integer x) -> {
      System.out.println("COMPUTED " + x);
      return x * 10;
    });
    CountDownLatch release = new CountDownLatch(1);
    var slow = memo(s, "cc.slow", (Integer x) -> {
      System.out.println("SLOW STARTED " + x);
      release.await();
      return x;
    });
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.split(" ");
      int n = w.length > 1 ? Integer.parseInt(w[1]) : 0;
      switch (w[0]) {
        case "call" -> System.out.println("call " + n + " = " + f.apply(n));
        case "cached" -> System.out.println("cached " + n + " = " + f.isCached(n));
        case "peek" -> System.out.println("peek " + n + " = " + f.peek(n));
        case "forget" -> System.out.println("forget " + n + " = " + f.forget(n));
        case "slow" -> new Thread(() -> slow.apply(n)).start();
        case "release" -> release.countDown();
        case "slowcached" -> {
          long t0 = System.nanoTime();
          boolean cached = slow.isCached(n);
          var peeked = slow.peek(n);
          System.out.println("slowcached " + n + " = " + cached + " " + peeked + " in "
              + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        default -> System.out.println("unknown " + line);
      }
    }
  }
}
