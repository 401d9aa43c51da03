package io.memokit.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The "S key pid nanos" / "E key pid nanos" lines of computations, checked for overlap per key. */
final class SideLog {

  record Computation(int key, long pid, long start, long end) {}

  final List<Computation> computations = new ArrayList<>();
  int unfinished;

  static SideLog read(Path file) throws IOException {
    SideLog log = new SideLog();
    Map<String, Long> open = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] p = line.split(" ");
      if (p.length != 4) throw new AssertionError("torn side-file line: " + line);
      String id = p[1] + "/" + p[2];
      if (p[0].equals("S")) {
        if (open.put(id, Long.parseLong(p[3])) != null) throw new AssertionError("key " + p[1] + " started twice in " + p[2]);
      } else {
        Long start = open.remove(id);
        if (start == null) throw new AssertionError("end without start: " + line);
        log.computations.add(new Computation(Integer.parseInt(p[1]), Long.parseLong(p[2]), start, Long.parseLong(p[3])));
      }
    }
    log.unfinished = open.size();
    return log;
  }

  /** Computations of the same key that ran at the same time (should be none: one computation at a time per cell). */
  List<String> overlaps() {
    Map<Integer, List<Computation>> byKey = new HashMap<>();
    for (Computation c : computations) byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
    List<String> found = new ArrayList<>();
    for (var e : byKey.entrySet()) {
      List<Computation> cs = e.getValue();
      cs.sort((a, b) -> Long.compare(a.start(), b.start()));
      for (int i = 1; i < cs.size(); i++) {
        if (cs.get(i).start() < cs.get(i - 1).end()) found.add("key " + e.getKey() + ": " + cs.get(i - 1) + " and " + cs.get(i));
      }
    }
    return found;
  }
}
