package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import io.memokit.MemoException;
import java.nio.file.Path;

/**
 * Opens STORE and calls {@code open.f(21)} (= 42) with trace on; prints {@code RESULT 42}, or
 * {@code ERROR message} if memokit refuses the store. Args: STORE
 */
public final class OpenWorker {
  public static void main(String[] args) {
    trace(true);
    try {
      System.out.println("RESULT " + memo(store(Path.of(args[0])), "open.f", (Integer k) -> k * 2).apply(21));
    } catch (MemoException e) {
      System.out.println("ERROR " + e.getMessage());
    }
  }
}
