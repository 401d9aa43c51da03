package io.memokit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** What a piece of code prints on standard error (memokit's notices go there), for tests. */
public final class Stderr {

  private Stderr() {}

  /** Runs {@code r} and returns what it printed on standard error. */
  public static String of(Runnable r) {
    PrintStream was = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true));
    try {
      r.run();
    } finally {
      System.setErr(was);
    }
    return out.toString();
  }
}
