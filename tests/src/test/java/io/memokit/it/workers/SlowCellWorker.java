package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import io.memokit.Memo.MemoFn1;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Calls {@code NAME(KEY)} once, with trace on. The function appends a line to SIDE when its body
 * runs, sleeps DELAY_MS (this process's own delay: the body that runs is the one of the process
 * that computes), or with DELAY_MS {@code go} waits for a line on its standard input (the test's
 * go, once another process waits for the cell), then returns {@code "value of KEY"} or, in mode
 * {@code throw}, throws {@code IllegalStateException("boom KEY")}. Prints {@code RESULT value} or
 * {@code RAISED class: message}.
 * The delay, the go and the mode are statics the function is said to ignore (a variable a function
 * reads is part of its key otherwise): the processes of a test share its cells.
 * Args: STORE NAME KEY DELAY_MS SIDE MODE
 */
public final class SlowCellWorker {
  private static long delay;
  /** Standard input, when the body waits for the test's go instead of sleeping. */
  private static BufferedReader go;
  private static boolean raise;

  /**
   * {@code name}, as every process of a test defines it (the same code and side file: the same
   * block); its body sleeps this process's delay (0 unless main set it), or waits for its go, and, in
   * mode throw, throws.
   */
  public static MemoFn1<Integer, String> define(String store, String name, String side) {
    return memo(store(store), name, (Integer k) -> {
      try (FileOutputStream out = new FileOutputStream(side, true)) {
        out.write(("ran " + k + " in " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (go != null) go.readLine();
      else Thread.sleep(delay);
      if (raise) throw new IllegalStateException("boom " + k);
      return "value of " + k;
    }).ignoring("delay", "go", "raise");
  }

  public static void main(String[] args) throws Exception {
    String name = args[1];
    int key = Integer.parseInt(args[2]);
    if (args[3].equals("go")) go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    else delay = Long.parseLong(args[3]);
    raise = args[5].equals("throw");
    trace(true);
    MemoFn1<Integer, String> f = define(args[0], name, args[4]);
    try {
      System.out.println("RESULT " + f.apply(key));
    } catch (IllegalStateException e) {
      System.out.println("RAISED " + e.getClass().getName() + ": " + e.getMessage());
    }
    System.out.println("PENDING " + f.info().pending());
  }
}
