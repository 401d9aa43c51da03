// memokit's demo in JShell: the original module's four demos in one script.
// Run it with the launcher (class path, JVM flags and imports set up):
//     bin/jshell notebooks/cache-demo.jsh
// or, in a jshell started with memokit on its class path (see docs/guide.md), type:
//     /open notebooks/cache-demo.jsh
// Run it in two terminals at once to see the second one WAIT for the first, then HIT.
// The store is $MEMOKIT_DEMO_STORE, or ./demo-store.
import static io.memokit.Memo.*;
import io.memokit.*;
import java.util.*;

trace(true);
var s = store(System.getenv().getOrDefault("MEMOKIT_DEMO_STORE", "demo-store"));
long pid = ProcessHandle.current().pid();

// 1. simplefunc(x, y=3): Java has no keyword arguments; a record whose short constructor fills the
//    default plays that part, so new XY(1, 2) and new XY(1).withY(2) are one cell.
record XY(int x, int y) implements java.io.Serializable {
  XY(int x) { this(x, 3); }
  XY withY(int y) { return new XY(x, y); }
}
var simplefunc = memo(s, "simplefunc", (XY a) -> List.of(a.x(), a.y()));

// 2. longfunc(x, delay): slow, and raises for x == null; the exception is stored like a value.
var longfunc = memo(s, "longfunc", (Integer x, Integer delay) -> {
  Thread.sleep(delay * 1000L);
  if (x == null) throw new Exception("longfunc error");
  return x;
});

// 3. vfunc: versioned with the process id, so each process has its own block and misses.
var vfunc = memo(s, version("vfunc", pid, (Integer x) -> x + pid));

// 4. A workflow of cached steps over lazy expressions.
var stepA = memo(s, "stepA", (Map<String, Integer> ini) -> Map.copyOf(ini));
var stepB = memo(s, "stepB", (Map<String, Integer> e, List<String> fr, String to, Integer r) ->
    chain(Map.of(to, e.get(fr.get(0)) + e.get(fr.get(1)) + r), e));
MapExpr<String, Integer> proc(int rab, int rbc, int rabc) {
  var pIni = mapExpr(stepA, Map.of("a", 1, "b", 2, "c", 3));
  var pAb = mapExpr(stepB, pIni, List.of("a", "b"), "ab", rab);
  var pBc = mapExpr(stepB, pIni, List.of("b", "c"), "bc", rbc);
  return mapExpr(stepB, chain(pAb, pBc), List.of("ab", "bc"), "abc", rabc);
}

void show(String call, java.util.concurrent.Callable<Object> c) {
  System.out.println("Computing: " + call);
  String result;
  try { result = String.valueOf(c.call()); } catch (Exception e) { result = "raised[" + e.getMessage() + "]"; }
  System.out.println("Result: " + call + " = " + result);
}

show("simplefunc(new XY(1, 2))", () -> simplefunc.apply(new XY(1, 2)));
show("simplefunc(new XY(1).withY(2))", () -> simplefunc.apply(new XY(1).withY(2)));
show("longfunc(42, 6)", () -> longfunc.apply(42, 6));
show("longfunc(null, 4)", () -> longfunc.apply(null, 4));
show("vfunc(3)", () -> vfunc.apply(3));
show("proc(1, 2, 3).get(\"abc\")", () -> proc(1, 2, 3).get("abc"));
show("proc(1, 2, 4).get(\"abc\")", () -> proc(1, 2, 4).get("abc"));
show("proc(1, 5, 3).get(\"abc\")", () -> proc(1, 5, 3).get("abc"));
System.out.println(proc(1, 2, 3));
