package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;

import io.memokit.Memo.MemoFn1;
import io.memokit.MemoStore;
import java.nio.file.Path;
import java.util.List;

/**
 * A new JVM's first calls: opens STORE, calls {@code first.list(1)} (an immutable value, held as it
 * is) and {@code first.bytes(2)} (an array, held as its encoding) twice each, then lists their cells
 * and the store's blocks. Prints {@code CALLS ...}, {@code CELLS ...} and {@code BLOCKS n}. Run once
 * on a new store (misses, then hits from memory), again on the same store (first hits from it).
 * Args: STORE
 */
public final class FirstCallsWorker {
  public static void main(String[] args) {
    MemoStore s = store(Path.of(args[0]));
    MemoFn1<Integer, List<Object>> list = memo(s, "first.list", (Integer k) -> List.of(k, "v"));
    MemoFn1<Integer, byte[]> bytes = memo(s, "first.bytes", (Integer k) -> new byte[] {k.byteValue(), 7});
    System.out.println("CALLS " + list.apply(1) + " " + list.apply(1) + " " + bytes.apply(2)[0] + " " + bytes.apply(2)[1]);
    System.out.println("CELLS " + list.cells().size() + " " + bytes.cells().size());
    System.out.println("BLOCKS " + s.blocks().size());
  }
}
