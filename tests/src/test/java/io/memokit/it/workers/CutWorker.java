package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import io.memokit.Memo.MemoFn1;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Calls {@code cut.f(KEY)} twice, with trace on, printing {@code RESULT value} then
 * {@code AGAIN value}. The function appends a line to SIDE when its body runs and returns
 * {@code "value of KEY from WHO"}; with GO not {@code -}, its body first waits (up to 2 minutes)
 * until the file GO exists, so that the test decides when this process's computation ends.
 * WHO and the wait are statics the function is said to ignore: every process of a test shares its cells.
 * Args: STORE KEY WHO SIDE GO
 */
public final class CutWorker {
  private static String who = "?";
  private static Path go;

  public static MemoFn1<Integer, String> define(String store, String side) {
    return memo(store(store), "cut.f", (Integer k) -> {
      try (FileOutputStream out = new FileOutputStream(side, true)) {
        out.write(("ran " + k + " in " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (long deadline = System.nanoTime() + 120_000_000_000L; go != null && !Files.exists(go); ) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("no " + go + " within 2 minutes");
        Thread.sleep(20);
      }
      return "value of " + k + " from " + who;
    }).ignoring("who", "go");
  }

  public static void main(String[] args) {
    int key = Integer.parseInt(args[1]);
    who = args[2];
    go = args[4].equals("-") ? null : Path.of(args[4]);
    trace(true);
    MemoFn1<Integer, String> f = define(args[0], args[3]);
    System.out.println("RESULT " + f.apply(key));
    System.out.println("AGAIN " + f.apply(key));
    System.out.println("PENDING " + f.info().pending());
  }
}
