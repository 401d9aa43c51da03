package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

/**
 * A kernel that keeps running one definition of {@code inuse.f} ({@code x + 1}): calls it once,
 * prints {@code READY}, then runs until its standard input closes or it is killed. Args: STORE
 */
public final class UseWorker {
  public static void main(String[] args) throws Exception {
    var f = memo(store(args[0]), "inuse.f", (Integer x) -> x + 1);
    System.out.println("READY " + f.apply(1));
    while (System.in.read() >= 0) {
      // keep running
    }
  }
}
