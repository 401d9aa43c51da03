package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import java.nio.file.Path;

/**
 * Calls {@code gadget(1)}. In the process that has class {@code extra.Gadget} on its class path,
 * the function returns {@code new extra.Gadget(1)}; elsewhere it returns a String (the class is
 * missing). Prints {@code RESULT value}. Args: STORE
 */
public final class GadgetWorker {
  public static void main(String[] args) {
    trace(true);
    var f = memo(store(Path.of(args[0])), "gadget", (Integer k) -> {
      try {
        return Class.forName("extra.Gadget").getConstructor(int.class).newInstance(k);
      } catch (ClassNotFoundException missing) {
        return "computed here, without extra.Gadget: " + k;
      }
    });
    System.out.println("RESULT " + f.apply(1));
  }
}
