package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;
import static io.memokit.Memo.version;

import io.memokit.Memo.MemoFn1;
import io.memokit.MemoException;
import io.memokit.MemoStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One side of a deadlock by design. Role {@code a} computes {@code cycle.x(1)}, whose body calls
 * {@code cycle.y(1)}; role {@code b} computes {@code cycle.y(1)}, whose body calls
 * {@code cycle.x(1)}. Each body first creates its file in RENDEZVOUS and waits for the other's,
 * so that both cells are being computed before either inner call: each process then waits for
 * the other's cell. The inner function a process defines for the other's cell is a plain value
 * ({@code "y by a"}, {@code "x by b"}), used if it ends up computing that cell itself. The two
 * roles define different code under one name, so the functions are versioned ({@code cycle.x{1}}):
 * the version, not the code, decides their blocks, and each ignores the variable holding the other
 * (which it reads only in one role), so that both roles key x(1) and y(1) alike.
 * Prints {@code RESULT value} or {@code RAISED class: message}.
 * Args: STORE ROLE RENDEZVOUS
 */
public final class CycleWorker {

  private static MemoFn1<Integer, String> x;
  private static MemoFn1<Integer, String> y;

  public static void main(String[] args) throws Exception {
    MemoStore s = store(args[0]);
    boolean a = args[1].equals("a");
    Path rendezvous = Path.of(args[2]);
    trace(true);
    if (a) {
      x = memo(s, version("cycle.x", 1,
          (Integer k) -> "x(" + meet(rendezvous, "a", "b", () -> y.apply(k)) + ")")).ignoring("y");
      y = memo(s, version("cycle.y", 1, (Integer k) -> "y by a"));
    } else {
      y = memo(s, version("cycle.y", 1,
          (Integer k) -> "y(" + meet(rendezvous, "b", "a", () -> x.apply(k)) + ")")).ignoring("x");
      x = memo(s, version("cycle.x", 1, (Integer k) -> "x by b"));
    }
    try {
      System.out.println("RESULT " + (a ? x.apply(1) : y.apply(1)));
    } catch (MemoException e) {
      System.out.println("RAISED " + e.getClass().getName() + ": " + e.getMessage());
    }
  }

  private static String meet(Path dir, String me, String other, java.util.function.Supplier<String> then)
      throws Exception {
    Files.createFile(dir.resolve(me));
    while (!Files.exists(dir.resolve(other))) Thread.sleep(5);
    return then.get();
  }
}
