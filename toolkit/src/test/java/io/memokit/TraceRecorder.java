package io.memokit;

import io.memokit.cell.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Records the cache events of one test ({@code @RegisterExtension final TraceRecorder trace = new TraceRecorder();}). */
final class TraceRecorder implements BeforeEachCallback, AfterEachCallback {

  private final List<Trace.Event> events = new ArrayList<>();
  private final Consumer<Trace.Event> listener = e -> {
    synchronized (events) {
      events.add(e);
    }
  };

  @Override
  public void beforeEach(ExtensionContext context) {
    Trace.addListener(listener);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Trace.removeListener(listener);
  }

  private String join(Function<Trace.Event, String> f) {
    synchronized (events) {
      return events.stream().map(f).collect(Collectors.joining(" "));
    }
  }

  /** "MISS HIT ..." */
  String kinds() {
    return join(e -> e.kind().toString());
  }

  /** "MISS(3) HIT(3) ..." */
  String events() {
    return join(e -> e.kind() + "(" + e.n() + ")");
  }

  /** "f MISS, g HIT, ..." with the block's name, without version and arity. */
  List<String> byFunction() {
    synchronized (events) {
      return events.stream().map(e -> e.block().replaceAll("[({].*", "") + " " + e.kind()).toList();
    }
  }

  /** The events recorded so far. */
  List<Trace.Event> all() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  void clear() {
    synchronized (events) {
      events.clear();
    }
  }
}
