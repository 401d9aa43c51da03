package io.memokit.demo;

import static io.memokit.Memo.chain;
import static io.memokit.Memo.jvmFlags;
import static io.memokit.Memo.mapExpr;
import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;
import static io.memokit.Memo.version;

import io.memokit.Memo.MemoFn1;
import io.memokit.Memo.MemoFn2;
import io.memokit.Memo.MemoFn4;
import io.memokit.MapExpr;
import io.memokit.MemoStore;
import io.memokit.cell.Trace;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;

/**
 * memokit's main job: the original module's four demos, each run in two processes (the second
 * started 2 seconds after the first) against one fresh store, printing the cache trace.
 *
 * <pre>
 *   java -jar demo/target/memokit-demo.jar [--store DIR]      (bin/demo builds and runs it)
 * </pre>
 * Each process prints {@code Computing: CALL}, the cache events, then {@code Result: CALL = VALUE}
 * (or {@code raised[MESSAGE]}), in the format of the reference trace. Each demo starts with a line
 * of dashes and one line ({@code == 1/4 ...}) saying what it shows.
 */
public final class CacheDemo {

  private static final long PID = ProcessHandle.current().pid();
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /**
   * simplefunc's arguments. Java has no keyword arguments; a record with a short constructor that
   * fills the default (y = 3) and a "wither" plays the part of {@code simplefunc(x, y=3)}:
   * {@code new XY(1, 2)} and {@code new XY(1).withY(2)} are equal values, hence one cell.
   */
  public record XY(int x, int y) implements Serializable {
    public XY(int x) {
      this(x, 3);
    }

    public XY withY(int y) {
      return new XY(x, y);
    }
  }

  private final MemoFn1<XY, List<Integer>> simplefunc;
  private final MemoFn2<Integer, Integer, Integer> longfunc;
  private final MemoFn1<Integer, Long> vfunc;
  private final MemoFn1<Map<String, Integer>, Map<String, Integer>> stepA;
  private final MemoFn4<Map<String, Integer>, List<String>, String, Integer, Map<String, Integer>> stepB;

  private CacheDemo(MemoStore s) {
    simplefunc = memo(s, "simplefunc", (XY a) -> List.of(a.x(), a.y()));
    longfunc = memo(s, "longfunc", (Integer x, Integer delay) -> {
      Thread.sleep(delay * 1000L);
      if (x == null) throw new Exception("longfunc error");
      return x;
    });
    // The version is this process's id: two processes use two blocks, and both miss.
    vfunc = memo(s, version("vfunc", PID, (Integer x) -> x + PID));
    stepA = memo(s, "stepA", (Map<String, Integer> ini) -> Map.copyOf(ini));
    // Chains onto E a map holding E[fr0] + E[fr1] + r under "to"; E itself stays unevaluated in the value.
    stepB = memo(s, "stepB", (Map<String, Integer> e, List<String> fr, String to, Integer r) ->
        chain(Map.of(to, e.get(fr.get(0)) + e.get(fr.get(1)) + r), e));
  }

  /** The workflow of the original demo: P_abc = stepB(chain(P_ab, P_bc)), P_ab and P_bc both over P_ini. */
  MapExpr<String, Integer> proc(int rab, int rbc, int rabc) {
    MapExpr<String, Integer> pIni = mapExpr(stepA, Map.of("a", 1, "b", 2, "c", 3));
    MapExpr<String, Integer> pAb = mapExpr(stepB, pIni, List.of("a", "b"), "ab", rab);
    MapExpr<String, Integer> pBc = mapExpr(stepB, pIni, List.of("b", "c"), "bc", rbc);
    return mapExpr(stepB, chain(pAb, pBc), List.of("ab", "bc"), "abc", rabc);
  }

  private record Call(String label, Callable<Object> call) {}

  /** What each demo shows and what to look for in its trace: printed before it, one line each. */
  static final List<String> ABOUT = List.of(
      "simplefunc: XY(1, 2) and XY(1).withY(2) are one key, so the first process MISSes once then HITs; "
          + "the second process HITs the cell the first one computed",
      "longfunc: the second process WAITs for the cell the first is still computing, then HITs it; "
          + "the exception of longfunc(null, 4) is stored and re-raised the same way",
      "vfunc: its version is the process id, so each process has its own block and both MISS",
      "proc: a workflow of cached steps; a changed parameter recomputes (MISS) only the steps it reaches "
          + "and HITs the others; the second process HITs each final step at once");

  /**
   * A line under a demo's heading where its trace needs one more word (empty: none): demo 4 says what
   * proc(1, 2, 3) is, and why the final step's cell (stepB's first MISS) is numbered before its inputs'.
   */
  static final List<String> DETAIL = List.of("", "", "",
      "   proc(1, 2, 3) is P_abc = stepB(chain(P_ab, P_bc), [ab, bc], \"abc\", 3) over "
          + "P_ab = stepB(P_ini, [a, b], \"ab\", 1), P_bc = stepB(P_ini, [b, c], \"bc\", 2) and "
          + "P_ini = stepA({a=1, b=2, c=3}), so abc = (1+2+1) + (2+3+2) + 3 = 14; P_abc's cell is numbered before its "
          + "inputs' because its key holds their definitions, not their values: its MISS claims its cell first, then "
          + "P_ab (with P_ini inside it) and P_bc are computed inside it, as stepB reads them");

  private List<List<Call>> demos() {
    return List.of(
        List.of(new Call("simplefunc(new XY(1, 2))", () -> simplefunc.apply(new XY(1, 2))),
            new Call("simplefunc(new XY(1).withY(2))", () -> simplefunc.apply(new XY(1).withY(2)))),
        List.of(new Call("longfunc(42, 6)", () -> longfunc.apply(42, 6)),
            new Call("longfunc(null, 4)", () -> longfunc.apply(null, 4))),
        List.of(new Call("vfunc(3)", () -> vfunc.apply(3))),
        List.of(new Call("proc(1, 2, 3).get(\"abc\")", () -> proc(1, 2, 3).get("abc")),
            new Call("proc(1, 2, 4).get(\"abc\")", () -> proc(1, 2, 4).get("abc")),
            new Call("proc(1, 5, 3).get(\"abc\")", () -> proc(1, 5, 3).get("abc"))));
  }

  private static void say(String message) {
    System.out.println("[proc " + PID + " @ " + LocalTime.now().format(CLOCK) + "] " + message);
    System.out.flush();
  }

  private void runDemo(int index) {
    for (Call c : demos().get(index)) {
      say("Computing: " + c.label());
      String result;
      try {
        result = String.valueOf(c.call().call());
      } catch (Exception e) {
        result = "raised[" + e.getMessage() + "]";
      }
      say("Result: " + c.label() + " = " + result);
    }
  }

  static final String USAGE = """
      usage: bin/demo [--store DIR|URL]    (or: java -jar demo/target/memokit-demo.jar [--store DIR|URL])
      Runs memokit's four demos (simplefunc, longfunc, vfunc, a workflow of steps), each in two
      processes started 2 s apart on one store, and prints their cache trace: MISS (computed),
      HIT (read from the store), WAIT (another process is computing it).
        --store DIR   the store to use, default ./demo-store; emptied first if it is a memokit store,
                      refused if it is another non-empty directory
        --store URL   a PostgreSQL store (jdbc:postgresql://HOST:PORT/DB?user=...), which must hold
                      no block yet (empty one with: java -jar memokit.jar clear-store URL --yes)
        -h, --help    print this text
      """;

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--child")) {
      trace(true);
      try (var s = store(args[2])) {
        new CacheDemo(s).runDemo(Integer.parseInt(args[1]));
      }
      return;
    }
    String storeDir = "demo-store";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-h") || args[i].equals("--help")) {
        System.out.print(USAGE);
        return;
      }
      if (args[i].equals("--store") && i + 1 < args.length) {
        storeDir = args[++i];
      } else {
        System.err.println("memokit-demo: " + (args[i].equals("--store") ? "--store needs a directory or a URL"
            : "unknown argument " + args[i]));
        System.err.print(USAGE);
        System.exit(2);
      }
    }
    try {
      runAll(freshStore(storeDir));
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      System.err.println("memokit-demo: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * The store: a directory, emptied if it is a previous demo store (never anything else); or a
   * PostgreSQL store, which must hold no block (the demo's trace starts from an empty store).
   */
  private static String freshStore(String location) throws IOException {
    if (location.startsWith("jdbc:")) {
      try (var s = store(location)) {
        if (!s.blocks().isEmpty()) {
          throw new IllegalArgumentException(s.location() + " already holds " + s.blocks().size() + " block(s): the "
              + "demo starts from an empty store (empty it with: java -jar toolkit/target/memokit.jar clear-store URL --yes)");
        }
      }
      return location;
    }
    Path abs = Path.of(location).toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      boolean empty;
      try (var entries = Files.list(abs)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !Files.exists(abs.resolve("memokit.store"))) {
        throw new IllegalArgumentException(abs + " exists and is not a memokit store: choose another --store");
      }
      FileUtils.deleteDirectory(abs.toFile());
    }
    // Through its parent's real path, as the store names itself once made: the trace then shows it
    // relative to the working directory when it lies below it (demo-store), as the first line says.
    Path parent = abs.getParent();
    if (parent != null && Files.isDirectory(parent)) abs = parent.toRealPath().resolve(abs.getFileName());
    return abs.toString();
  }

  private static void runAll(String storeDir) throws Exception {
    String shown = Trace.shown(storeDir.replaceAll("password=[^&]*", "password=***"));
    System.out.println("memokit demo: two processes per demo on one store, which the trace shows as " + shown
        + " where the original module's reference trace (tests/src/test/resources/reference/cache.out) shows DIR");
    System.out.println("each line: [proc PID @ TIME] Computing: CALL, then its cache events (MISS: computed, "
        + "HIT: read from the store, WAIT: another process is computing it), then Result: CALL = VALUE");
    int count = 4;
    for (int i = 0; i < count; i++) {
      System.out.println("-".repeat(80));
      System.out.println("== " + (i + 1) + "/" + count + " " + ABOUT.get(i));
      if (!DETAIL.get(i).isEmpty()) System.out.println(DETAIL.get(i));
      System.out.flush();
      Process first = child(i, storeDir);
      Thread.sleep(2000);
      Process second = child(i, storeDir);
      int a = first.waitFor();
      int b = second.waitFor();
      if (a != 0 || b != 0) throw new IllegalStateException("demo " + (i + 1) + ": a process failed (exit " + a + ", " + b + ")");
    }
  }

  private static Process child(int demo, String storeDir) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CacheDemo.class.getName());
    cmd.add("--child");
    cmd.add(Integer.toString(demo));
    cmd.add(storeDir);
    return new ProcessBuilder(cmd).inheritIO().start();
  }
}
