package io.memokit;

import static io.memokit.Memo.chain;
import static io.memokit.Memo.expr;
import static io.memokit.Memo.mapExpr;
import static io.memokit.Memo.memo;
import static io.memokit.Memo.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.Fn1;
import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.KeyWriter;
import io.memokit.function.NamedFunction;
import io.memokit.codec.Codec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Lazy expressions, maps and chains in one process, on each kind of store. */
class ExpressionTest extends OnEachStoreKind {

  private List<String> kinds() {
    return recorder.byFunction();
  }

  @Test
  void nothingRunsBeforeGetAndGetRunsOnce() {
    AtomicInteger calls = new AtomicInteger();
    Fn1<Integer, Integer> twice = version("expr.twice", 1, (Integer x) -> {
      calls.incrementAndGet();
      return 2 * x;
    });
    Expr<Integer> e = expr(twice, 21);
    assertEquals(0, calls.get(), "creating an expression runs nothing");
    assertFalse(e.isIncarnated());
    assertEquals(42, e.get());
    assertEquals(42, e.get());
    assertEquals(1, calls.get(), "incarnated once");
    assertTrue(e.isIncarnated());
    e.reset();
    assertFalse(e.isIncarnated());
    assertEquals(42, e.get());
    assertEquals(2, calls.get(), "reset drops the value");
  }

  @Test
  void anExpressionOverAMemoizedFunctionIncarnatesThroughTheCache() {
    AtomicInteger calls = new AtomicInteger();
    var sq = memo(s, "expr.sq", (Integer x) -> {
      calls.incrementAndGet();
      return x * x;
    });
    assertEquals(49, expr(sq, 7).get());
    assertEquals(49, expr(sq, 7).get());
    assertEquals(1, calls.get());
    assertEquals(List.of("expr.sq MISS", "expr.sq HIT"), kinds());
  }

  @Test
  void asAnArgumentAnExpressionIsKeyedByDefinitionAndNotEvaluated() {
    AtomicInteger inner = new AtomicInteger();
    AtomicInteger outer = new AtomicInteger();
    var slow = memo(s, "expr.slow", (Integer x) -> {
      inner.incrementAndGet();
      return x + 1;
    });
    var describe = memo(s, "expr.describe", (Expr<Integer> e) -> {
      outer.incrementAndGet();
      return e.function() + e.arguments();
    });
    assertEquals("expr.slow[5]", describe.apply(expr(slow, 5)));
    assertEquals("expr.slow[5]", describe.apply(expr(slow, 5)));
    assertEquals(0, inner.get(), "the argument expression was never incarnated");
    assertEquals(1, outer.get(), "a new expression with an equal definition hits the same cell");
    describe.apply(expr(slow, 6));
    assertEquals(2, outer.get(), "another definition is another cell");
  }

  @Test
  void equalDefinitionsGiveEqualKeysAndTheKeyNamesVersionedFunctions() {
    Fn1<Integer, Integer> f1 = version("expr.k", 1, (Integer x) -> x);
    Fn1<Integer, Integer> f2 = version("expr.k", 2, (Integer x) -> x);
    CellKey a = KeyWriter.key(new Object[] {expr(f1, 3)});
    CellKey b = KeyWriter.key(new Object[] {expr(f1, 3)});
    assertEquals(a, b);
    assertEquals(a.hex(), b.hex());
    assertNotEquals(a, KeyWriter.key(new Object[] {expr(f1, 4)}), "arguments count");
    assertNotEquals(a, KeyWriter.key(new Object[] {expr(f2, 3)}), "versions count");
    assertEquals(List.of(new FunctionId("expr.k", "1", 1)), a.dependencies());
    Fn1<Expr<Integer>, Integer> lazy = version("expr.lazy", 2, (Expr<Integer> e) -> e.get());
    CellKey nested = KeyWriter.key(new Object[] {List.of(Map.of("x", expr(lazy, expr(f1, 1))))});
    assertEquals(List.of(new FunctionId("expr.lazy", "2", 1), new FunctionId("expr.k", "1", 1)), nested.dependencies(),
        "versioned functions at any depth are dependencies");
  }

  @Test
  void aVersionChangeOfAnInnerStepMissesTheOuterStep() {
    var outer = memo(s, "expr.outer", (Map<String, Integer> m) -> m.get("v") * 10);
    var stepV1 = memo(s, version("expr.inner", 1, (Integer x) -> Map.of("v", x)));
    assertEquals(30, outer.apply(mapExpr(stepV1, 3)));
    assertEquals(30, outer.apply(mapExpr(stepV1, 3)));
    var stepV2 = memo(s, version("expr.inner", 2, (Integer x) -> Map.of("v", x + 1)));
    assertEquals(40, outer.apply(mapExpr(stepV2, 3)));
    assertEquals(List.of("expr.outer MISS", "expr.inner MISS", "expr.outer HIT", "expr.outer MISS", "expr.inner MISS"),
        kinds(), "outer's own version is unchanged, yet the new inner version makes a new outer cell");
  }

  @Test
  void savedByDefinitionAndIncarnatedOnDemandAfterReading() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var base = memo(s, "expr.base", (Integer x) -> {
      calls.incrementAndGet();
      return Map.of("x", x);
    });
    Map<String, Object> value = new HashMap<>(Map.of("lazy", mapExpr(base, 9)));
    Codec codec = Codec.shared();
    Codec.Encoded encoded = codec.encode(value);
    assertFalse(encoded.shareable(), "a value holding an expression is decoded afresh for each hit");
    @SuppressWarnings("unchecked")
    Map<String, Object> read = (Map<String, Object>) codec.decode(encoded.codec(), encoded.buffer(), encoded.length());
    MapExpr<?, ?> restored = assertInstanceOf(MapExpr.class, read.get("lazy"));
    assertFalse(restored.isIncarnated(), "read back unevaluated");
    assertEquals(0, calls.get());
    assertEquals(9, restored.get("x"));
    assertEquals(1, calls.get(), "incarnated with this process's definition of expr.base");
  }

  @Test
  void anExpressionNamingAnUndefinedFunctionSaysSoWhenIncarnated() throws Exception {
    NamedFunction stranger = new NamedFunction() {
      @Override
      public FunctionId id() {
        return FunctionId.of("expr.nowhere.defined", 1);
      }

      @Override
      public Object invoke(Object[] args) {
        return args[0];
      }
    };
    Object saved = io.memokit.expr.Expression.create(stranger, 1);
    Codec.Encoded encoded = Codec.shared().encode(saved);
    Expr<?> read = (Expr<?>) Codec.shared().decode(encoded.codec(), encoded.buffer(), encoded.length());
    MemoException e = assertThrows(MemoException.class, read::get);
    assertTrue(e.getMessage().contains("\"expr.nowhere.defined\"") && e.getMessage().contains("not defined"),
        e.getMessage());
  }

  @Test
  void chainLooksUpInOrderAndLeavesLaterMapsUnevaluated() {
    AtomicInteger calls = new AtomicInteger();
    var late = memo(s, "expr.late", (Integer x) -> {
      calls.incrementAndGet();
      return Map.of("a", 100, "b", x);
    });
    MapExpr<String, Integer> lateMap = mapExpr(late, 2);
    Map<String, Integer> c = chain(Map.of("a", 1), lateMap);
    assertEquals(1, c.get("a"), "first map wins");
    assertEquals(0, calls.get(), "the map expression was not reached");
    assertEquals(2, c.get("b"));
    assertEquals(1, calls.get());
    assertEquals(Map.of("a", 1, "b", 2), Map.copyOf(c), "merged view: earlier maps hide later entries");
    assertThrows(UnsupportedOperationException.class, () -> c.put("z", 0));
    assertThrows(UnsupportedOperationException.class, () -> lateMap.put("z", 0));
  }

  @Test
  void toStringShowsTheDefinitionWithoutIncarnating() {
    AtomicInteger calls = new AtomicInteger();
    var f = memo(s, "expr.shown", (Integer x) -> {
      calls.incrementAndGet();
      return Map.of("x", x);
    });
    MapExpr<String, Integer> e = mapExpr(f, 4);
    assertEquals("mapExpr expr.shown(4)[lazy]", e.toString());
    assertEquals("chain({k=v}, mapExpr expr.shown(4)[lazy])", chain(Map.of("k", "v"), e).toString());
    assertEquals(0, calls.get());
    e.get();
    assertEquals("mapExpr expr.shown(4)[incarnated]", e.toString());
  }

  @Test
  void unnamedFunctionsAreRefusedWithAHint() {
    Fn1<Integer, Integer> anonymous = x -> x;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> expr(anonymous, 1));
    assertTrue(e.getMessage().contains("named function") && e.getMessage().contains("version(name, v, fn)"),
        e.getMessage());
  }
}
