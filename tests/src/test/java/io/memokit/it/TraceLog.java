package io.memokit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A demo trace parsed into sections (separated by a line of dashes), and per section into
 * processes (in order of first appearance) each with its sequence of steps: {@code Computing},
 * {@code Result} (with a normalised value) and cache events (function name, event, cell number).
 * Works for the original module's trace and for memokit's (whose WAIT lines also say whom they
 * wait for); a cache line that is no known event is refused, not skipped.
 * {@link #assertSameEvents} compares two traces.
 */
final class TraceLog {

  record Step(String kind, String function, long cell, String value) {
    @Override
    public String toString() {
      return switch (kind) {
        case "Computing" -> "Computing";
        case "Result" -> "Result=" + value;
        default -> function + " " + kind + "(" + cell + ")";
      };
    }
  }

  record Process(long pid, List<Step> steps) {}

  private static final Pattern LINE = Pattern.compile("^\\[proc ?(\\d+) @ [^\\]]+\\] (.*)$");
  /** An event; memokit follows a WAIT with whom it waits for ("for proc 4711 on host-a since 14:32:13"). */
  private static final Pattern EVENT =
      Pattern.compile("^Cache<(.*)> (MISS|HIT|WAIT|OVERFLOW|LOST|TAKEOVER)\\((\\d+)\\)(?<detail> for .+)?$");
  private static final Pattern RESULT = Pattern.compile("^Result: .* = (.*)$");

  final List<List<Process>> sections = new ArrayList<>();

  static TraceLog parse(List<String> lines) {
    TraceLog log = new TraceLog();
    Map<Long, Process> current = null;
    for (String line : lines) {
      if (line.matches("^-{20,}$")) {
        current = new LinkedHashMap<>();
        log.sections.add(new ArrayList<>());
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches() || current == null) continue;
      long pid = Long.parseLong(m.group(1));
      String msg = m.group(2);
      Map<Long, Process> section = current;
      Process p = section.computeIfAbsent(pid, k -> {
        Process np = new Process(k, new ArrayList<>());
        log.sections.get(log.sections.size() - 1).add(np);
        return np;
      });
      Matcher e = EVENT.matcher(msg);
      Matcher r = RESULT.matcher(msg);
      if (msg.startsWith("Computing: ")) {
        p.steps().add(new Step("Computing", null, 0, null));
      } else if (r.matches()) {
        p.steps().add(new Step("Result", null, 0, normalise(r.group(1), pid)));
      } else if (e.matches() && (e.group("detail") == null || e.group(2).equals("WAIT"))) {
        p.steps().add(new Step(e.group(2), functionName(e.group(1)), Long.parseLong(e.group(3)), null));
      } else if (msg.startsWith("Cache<")) {
        throw new IllegalArgumentException("not a cache event: " + line);
      }
    }
    return log;
  }

  /**
   * {@code DIR:myutil.demo.cache.stepB(E, fr=None, to=None, r=0)} and {@code /tmp/s:stepB(4)}
   * both give {@code stepB}; {@code vfunc{10636}(x)} gives {@code vfunc}.
   */
  static String functionName(String cache) {
    String block = cache.substring(cache.lastIndexOf(':') + 1);
    String head = block.substring(0, block.indexOf('('));
    int brace = head.indexOf('{');
    if (brace >= 0) head = head.substring(0, brace);
    return head.substring(head.lastIndexOf('.') + 1);
  }

  /**
   * Values: only their letters and digits ({@code (1, 2)} and {@code [1, 2]} are both {@code 12});
   * a number that is the process id plus a small offset becomes {@code pid+offset}.
   */
  static String normalise(String value, long pid) {
    String v = value.trim();
    if (v.matches("-?\\d+")) {
      long n = Long.parseLong(v);
      if (n >= pid && n - pid < 100) return "pid+" + (n - pid);
      return v;
    }
    return v.replaceAll("[^A-Za-z0-9]", "");
  }

  /**
   * Asserts that {@code got} has the reference's sections and processes and, process by process,
   * the same steps: kinds, functions, results, and cell numbers that map one to one ({@code shown}
   * is printed with a failure).
   */
  static void assertSameEvents(TraceLog ref, TraceLog got, String shown) {
    assertEquals(4, ref.sections.size(), "reference sections");
    assertEquals(ref.sections.size(), got.sections.size(), "demo sections\n" + shown);

    Map<Long, Long> refToOurs = new HashMap<>();
    Map<Long, Long> oursToRef = new HashMap<>();
    for (int s = 0; s < ref.sections.size(); s++) {
      List<TraceLog.Process> rp = ref.sections.get(s);
      List<TraceLog.Process> gp = got.sections.get(s);
      assertEquals(2, rp.size(), "reference processes in demo " + (s + 1));
      assertEquals(2, gp.size(), "processes in demo " + (s + 1) + "\n" + shown);
      for (int p = 0; p < 2; p++) {
        List<TraceLog.Step> expected = rp.get(p).steps();
        List<TraceLog.Step> actual = gp.get(p).steps();
        String where = "demo " + (s + 1) + ", process " + (p == 0 ? "A" : "B");
        assertEquals(expected.size(), actual.size(), where + ": number of steps\nexpected " + expected + "\nactual   "
            + actual);
        for (int i = 0; i < expected.size(); i++) {
          TraceLog.Step e = expected.get(i);
          TraceLog.Step a = actual.get(i);
          String at = where + ", step " + (i + 1) + ": expected " + e + ", got " + a + "\nexpected " + expected
              + "\nactual   " + actual;
          assertEquals(e.kind(), a.kind(), at);
          assertEquals(e.function(), a.function(), at);
          assertEquals(e.value(), a.value(), at);
          if (e.function() != null) {
            Long mapped = refToOurs.putIfAbsent(e.cell(), a.cell());
            Long back = oursToRef.putIfAbsent(a.cell(), e.cell());
            if ((mapped != null && mapped != a.cell()) || (back != null && back != e.cell())) {
              fail(at + "\ncell numbers do not map one to one: reference " + e.cell() + " <-> ours " + a.cell()
                  + " (already mapped " + mapped + " / " + back + ")");
            }
          }
        }
      }
    }
    assertEquals(12, refToOurs.size(), "distinct cells");
  }
}
