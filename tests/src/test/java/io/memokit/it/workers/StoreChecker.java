package io.memokit.it.workers;


import io.memokit.CellInfo;
import io.memokit.MemoException;
import io.memokit.Memo.MemoFn1;
import java.nio.file.Path;

/**
 * Reads every key of {@code kill.f} from the store in cache-only mode (never computing) and
 * prints what it found: STORED k for a correct stored value, WRONG k for a wrong one, and the
 * number of cells listed as computing after orphans are reclaimed.
 * Args: STORE KEYS MAXKIB
 */
public final class StoreChecker {
  public static void main(String[] args) {
    int keys = Integer.parseInt(args[1]);
    int maxKiB = Integer.parseInt(args[2]);
    MemoFn1<Integer, byte[]> f = KillableWorker.define(Path.of(args[0]), maxKiB).cacheOnly();
    for (int k = 0; k < keys; k++) {
      try {
        System.out.println((Values.check(k, maxKiB, f.apply(k)) ? "STORED " : "WRONG ") + k);
      } catch (MemoException notStored) {
        System.out.println("ABSENT " + k);
      }
    }
    long computing = f.cells().stream().filter(c -> c.state() == CellInfo.State.COMPUTING).count();
    System.out.println("COMPUTING " + computing);
    System.out.println("SIZE " + f.info().size());
  }
}
