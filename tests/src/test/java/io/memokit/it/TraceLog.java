package io.memokit.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A demo trace parsed into sections (separated by a line of dashes), and per section into
 * processes (in order of first appearance) each with its sequence of steps: {@code Computing},
 * {@code Result} (with a normalised value) and cache events (function name, event, cell number).
 * Works for the original module's trace and for memokit's.
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
  private static final Pattern EVENT = Pattern.compile("^Cache<(.*)> (MISS|HIT|WAIT|OVERFLOW|LOST|TAKEOVER)\\((\\d+)\\)$");
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
      } else if (e.matches()) {
        p.steps().add(new Step(e.group(2), functionName(e.group(1)), Long.parseLong(e.group(3)), null));
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
}
