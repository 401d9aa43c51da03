package io.memokit.display;

import io.memokit.Memoized;
import io.memokit.cell.Trace;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * A progress bar for a loop over a memoized function, counting its hits and misses in this process:
 * <pre>{@code
 * try (var p = Progress.of(f, 1000)) {
 *   for (int i = 0; i < 1000; i++) f.apply(i);
 * }
 * }</pre>
 * In the rapaio Jupyter kernel the bar is one HTML output updated in place (at most 10 times a
 * second, and once at the end); elsewhere a text line is printed every 10% and at the end.
 */
public final class Progress implements AutoCloseable {

  private static final long MIN_INTERVAL_NANOS = 100_000_000L;

  private final String label;
  private final String block;
  private final String store;
  private final long total;
  private final KernelDisplay kernel = KernelDisplay.find();
  private final Consumer<Trace.Event> listener = this::onEvent;
  private final String displayId;
  private long hits;
  private long misses;
  private long lastUpdate;
  private long lastTextDecile = -1;

  private Progress(Memoized f, long total) {
    this.label = f.info().label();
    this.block = label;
    this.store = f.store().path().toString();
    this.total = total;
    this.displayId = kernel == null ? null : kernel.display(html(false));
    Trace.addListener(listener);
  }

  /** Starts a progress bar over {@code total} calls of {@code f} (0 when the count is unknown). */
  public static Progress of(Memoized f, long total) {
    return new Progress(f, total);
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  private synchronized void onEvent(Trace.Event e) {
    if (!e.block().equals(block) || !e.store().equals(store)) return;
    switch (e.kind()) {
      case HIT -> hits++;
      case MISS, TAKEOVER -> misses++;
      default -> {
        return;
      }
    }
    long now = System.nanoTime();
    if (kernel != null) {
      if (now - lastUpdate >= MIN_INTERVAL_NANOS) {
        lastUpdate = now;
        kernel.update(displayId, html(false));
      }
    } else if (total > 0) {
      long decile = (hits + misses) * 10 / total;
      if (decile != lastTextDecile) {
        lastTextDecile = decile;
        System.out.println(text());
      }
    }
  }

  private String html(boolean done) {
    return Html.progress(label, hits, misses, total, done);
  }

  private String text() {
    long count = hits + misses;
    return label + ": " + count + (total > 0 ? "/" + total : "") + " calls, " + hits + " hits, " + misses + " misses";
  }

  @Override
  public synchronized void close() {
    Trace.removeListener(listener);
    if (kernel != null) kernel.update(displayId, html(true));
    else System.out.println(text() + " (done)");
  }

  /** The rapaio kernel's display calls, found by reflection so memokit does not depend on the kernel. */
  private record KernelDisplay(Method display, Method update) {
    static KernelDisplay find() {
      try {
        Class<?> global = Class.forName("org.rapaio.jupyter.kernel.global.Global");
        return new KernelDisplay(global.getMethod("display", String.class, Object.class),
            global.getMethod("updateDisplay", String.class, String.class, Object.class));
      } catch (ReflectiveOperationException | LinkageError notInTheKernel) {
        return null;
      }
    }

    String display(String html) {
      try {
        return (String) display.invoke(null, "text/html", html);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    void update(String id, String html) {
      if (id == null) return;
      try {
        update.invoke(null, id, "text/html", html);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // the bar stops updating; the loop goes on
      }
    }
  }
}
