package io.memokit.it.workers;

import static io.memokit.Memo.mapExpr;
import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;
import static io.memokit.Memo.version;

import io.memokit.MapExpr;
import io.memokit.MemoStore;
import io.memokit.function.KeyWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Defines stepA (versioned STEPA_VERSION) and stepB (unversioned), builds
 * {@code P = mapExpr(stepB, mapExpr(stepA, {a:1, b:2}), [a, b], "ab")}, prints the key of P's
 * definition ({@code KEY hex}) and then {@code VALUE P.get("ab")}, with trace on.
 * Args: STORE STEPA_VERSION
 */
public final class ExprWorker {
  public static void main(String[] args) {
    MemoStore s = store(Path.of(args[0]));
    int v = Integer.parseInt(args[1]);
    trace(true);
    var stepA = memo(s, version("stepA", v, (Map<String, Integer> ini) -> Map.copyOf(ini)));
    var stepB = memo(s, "stepB", (Map<String, Integer> e, List<String> fr, String to) ->
        Map.of(to, e.get(fr.get(0)) + e.get(fr.get(1))));
    MapExpr<String, Integer> p = mapExpr(stepB, mapExpr(stepA, Map.of("a", 1, "b", 2)), List.of("a", "b"), "ab");
    System.out.println("KEY " + KeyWriter.key(new Object[] {p}).hex());
    System.out.println("VALUE " + p.get("ab"));
  }
}
