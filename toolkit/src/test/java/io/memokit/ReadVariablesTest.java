package io.memokit;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.Memo.Fn1;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything a function reads is in its key: static variables of its own class (a JShell session's
 * top-level variables are such fields), captured values that may change, method references by their
 * target; values with no key count by type and are said once; ignored variables and arguments never
 * reach the key.
 */
class ReadVariablesTest extends OnEachStoreKind {

  static int k = 3;
  static List<Integer> list = new ArrayList<>(List.of(1, 2));
  static Thread thread = new Thread(() -> {});
  static boolean verbose;
  static Memo.MemoFn1<Integer, Integer> inner;

  @BeforeEach
  void resetVariables() {
    k = 3;
    list = new ArrayList<>(List.of(1, 2));
    verbose = false;
  }

  @Test
  void aVariableReadIsPartOfTheKeyAtEachCall() {
    var f = memo(s, "f", (Integer x) -> x * k);
    assertEquals(6, f.apply(2));
    k = 4;
    assertEquals(8, f.apply(2));
    k = 3;
    assertEquals(6, f.apply(2));
    assertEquals("MISS MISS HIT", recorder.kinds());
    assertTrue(f.info().keyedBy().endsWith("; reads at each call variable k"), f.info().keyedBy());
    // Another definition of the same code (another kernel): equal values share cells.
    var again = memo(s, "f", (Integer x) -> x * k);
    k = 4;
    assertEquals(8, again.apply(2));
    assertEquals("MISS MISS HIT HIT", recorder.kinds());
  }

  enum Size { S, M, L }

  private static int ordinalSum(Size from) {
    int sum = 0;
    for (Size z : Size.values()) if (z.compareTo(from) >= 0) sum += z.ordinal();
    return sum + (from == Size.L ? 100 : 0);
  }

  @Test
  void anEnumsConstantsAreItsDefinitionNotVariablesReadAtEachCall() {
    var f = memo(s, "f", (Integer x) -> x + ordinalSum(Size.M));
    assertEquals(4, f.apply(1));
    assertEquals(4, f.apply(1));
    assertTrue(!f.info().keyedBy().contains("reads at each call"), f.info().keyedBy());
    assertEquals(1, f.info().hits());
  }

  @Test
  void aMutableVariableChangedInPlaceAndOneReadThroughAHelperAreSeen() {
    var f = memo(s, "f", (Integer x) -> x + sizeOfList());
    assertEquals(3, f.apply(1));
    list.add(3);
    assertEquals(4, f.apply(1));
    assertEquals(4, f.apply(1));
    assertEquals("MISS MISS HIT", recorder.kinds());
  }

  private static int sizeOfList() {
    return list.size();
  }

  @Test
  void capturedValuesThatMayChangeAreReadAtEachCall() {
    List<Integer> weights = new ArrayList<>(List.of(1, 2));
    int[] offset = {0};
    Integer settled = 10;
    var f = memo(s, "f", (Integer x) -> x * weights.get(0) + offset[0] + settled);
    assertEquals(13, f.apply(3));
    weights.set(0, 5);
    assertEquals(25, f.apply(3));
    offset[0] = 1;
    assertEquals(26, f.apply(3));
    weights.set(0, 1);
    offset[0] = 0;
    assertEquals(13, f.apply(3));
    assertEquals("MISS MISS MISS HIT", recorder.kinds());
    String keyedBy = f.info().keyedBy();
    assertTrue(keyedBy.contains("reads at each call captured value 1, captured value 2"), keyedBy);
  }

  @Test
  void methodReferencesIntoTheJdkAreKeyedByTheirTarget() {
    Fn1<String, Integer> length = String::length;
    Fn1<String, Integer> hash = String::hashCode;
    assertEquals(5, memo(s, "len", length).apply("hello"));
    assertEquals("hello".hashCode(), memo(s, "len", hash).apply("hello"));
    assertEquals("MISS MISS", recorder.kinds());
    assertEquals(5, memo(s, "len", length).apply("hello"));
    assertEquals("MISS MISS HIT", recorder.kinds());
    // A bound reference: its receiver is part of the key.
    String a = "abc";
    String b = "abd";
    Fn1<String, Boolean> startsA = a::startsWith;
    Fn1<String, Boolean> startsB = b::startsWith;
    assertEquals(true, memo(s, "starts", startsA).apply("abc"));
    assertEquals(false, memo(s, "starts", startsB).apply("abc"));
    assertTrue(memo(s, "len", length).info().keyedBy().startsWith("code "), "keyed by its target, not by name only");
  }

  @Test
  void aValueWithNoKeyCountsByTypeIsSaidOnceAndListed() {
    String name = "f" + kind.ordinal(); // a notice is said once per process and function
    var f = memo(s, name, (Integer x) -> x + (thread.isAlive() ? 1 : 0));
    String err = Stderr.of(() -> {
      assertEquals(1, f.apply(1));
      assertEquals(1, f.apply(1));
      assertEquals(2, f.apply(2));
    });
    assertEquals(1, err.lines().filter(l -> l.startsWith("memokit: " + name + " reads variable thread (java.lang.Thread)"))
        .count(), err);
    assertTrue(err.contains(name + ".ignoring(\"thread\")"), err);
    assertEquals("MISS HIT MISS", recorder.kinds());
    assertTrue(f.info().keyedBy().contains("not keyed, counted by type only: variable thread (java.lang.Thread)"),
        f.info().keyedBy());
  }

  @Test
  void ignoredVariablesAndArgumentsNeverReachTheKey() {
    var f = memo(s, "f", (Integer x, String logPath) -> x * k + (verbose ? 0 : 0)).ignoring("verbose")
        .ignoringArguments(2);
    assertEquals(6, f.apply(2, "/tmp/a.log"));
    verbose = true;
    assertEquals(6, f.apply(2, "/tmp/b.log"));
    k = 5;
    assertEquals(10, f.apply(2, "/tmp/b.log"));
    assertEquals("MISS HIT MISS", recorder.kinds());
    assertTrue(f.info().keyedBy().contains("ignores verbose, argument 2"), f.info().keyedBy());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.ignoring("verbos"));
    assertEquals("f.ignoring: it reads no variable named \"verbos\"; it reads k, verbose", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> f.ignoringArguments(3));
    assertEquals("f.ignoringArguments: position 3 is outside 1..2 (positions count from 1)", e.getMessage());
  }

  @Test
  void aFunctionReadingAMemoizedFunctionDependsOnWhatThatOneReads() {
    inner = memo(s, "inner", (Integer x) -> x * k);
    var outer = memo(s, "outer", (Integer x) -> inner.apply(x) + 1);
    assertEquals(7, outer.apply(2));
    k = 4;
    assertEquals(9, outer.apply(2));
    k = 3;
    assertEquals(7, outer.apply(2));
    assertEquals("MISS MISS MISS MISS HIT", recorder.kinds());
  }

  @Test
  void anExpressionOverAFunctionReadingAVariableIsAnotherDefinitionOnceItChanges() {
    var f = memo(s, "f", (Integer x) -> x * k);
    var g = memo(s, "g", (Expr<Integer> e) -> e.get() + 1);
    assertEquals(7, g.apply(Memo.expr(f, 2)));
    k = 4;
    assertEquals(9, g.apply(Memo.expr(f, 2)));
    k = 3;
    assertEquals(7, g.apply(Memo.expr(f, 2)));
    assertEquals("MISS MISS MISS MISS HIT", recorder.kinds());
  }

  @Test
  void aVersionedFunctionKeysTheVariablesItReadsToo() {
    var f = memo(s, version("f", 1, (Integer x) -> x * k));
    assertEquals(6, f.apply(2));
    k = 4;
    assertEquals(8, f.apply(2));
    assertEquals("MISS MISS", recorder.kinds());
  }
}
