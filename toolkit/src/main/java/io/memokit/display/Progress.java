package io.memokit.display;

import io.memokit.Memoized;
import io.memokit.cell.ConsoleLine;
import io.memokit.cell.Sweep;
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
 * In a Jupyter kernel (rapaio, IJava, JJava) the bar is one HTML output updated in place (at most 10
 * times a second, and once at the end); elsewhere a text line is printed every 10% and at the end.
 * As a cell's value, or through {@code display(p)}, it shows as a bar too ({@link Rendering}).
 *
 * <p>A sweep ({@code f.map(inputs)}) shows its own bar ({@link #ofSweep}), counting its inputs by
 * where their results came from: hit, computed here, computed elsewhere. Outside a kernel its text
 * line is a {@code SweepText}: nothing for a sweep shorter than 2 s; on a terminal one line redrawn
 * in place, elsewhere a line every 5 s; and the final line.
 */
public final class Progress implements AutoCloseable, Sweep.Listener {

  private static final long MIN_INTERVAL_NANOS = 100_000_000L;

  private final String label;
  private final String block;
  private final String store;
  private final long total;
  /** Counts a sweep's inputs ({@link #resolved}) rather than the trace's events. */
  private final boolean sweep;
  /** A sweep's line outside a kernel; null for a loop's bar. */
  private final SweepText sweepText;
  private final LiveDisplay kernel;
  private final Consumer<Trace.Event> listener = this::onEvent;
  private final String displayId;
  private long hits;
  private long misses;
  private long elsewhere;
  private long lastUpdate;
  private long lastTextDecile = -1;
  private boolean done;

  private Progress(String label, String store, long total, LiveDisplay kernel, SweepText sweepText) {
    this.label = label;
    this.block = label;
    this.store = store;
    this.total = total;
    this.sweep = sweepText != null;
    this.sweepText = sweepText;
    this.kernel = kernel;
    this.displayId = kernel == null ? null : kernel.show(this);
    if (!sweep) Trace.addListener(listener);
  }

  /** Starts a progress bar over {@code total} calls of {@code f} (0 when the count is unknown). */
  public static Progress of(Memoized f, long total) {
    return new Progress(f.info().label(), f.store().location(), total, LiveDisplay.find(), null);
  }

  /**
   * Starts the progress bar of a sweep of {@code total} inputs of the function labelled {@code label}
   * (as in the trace: {@code sq(1)}), counted by {@link #resolved}: {@code f.map(inputs)} shows one.
   */
  public static Progress ofSweep(String label, long total) {
    return new Progress(label, "", total, LiveDisplay.find(), SweepText.onStandardOutput());
  }

  /** A sweep's bar outside a kernel, shown as {@code text}. */
  static Progress ofSweep(String label, long total, SweepText text) {
    return new Progress(label, "", total, null, text);
  }

  /** Calls that hit; for a sweep, inputs whose results were stored when the sweep reached them. */
  public synchronized long hits() {
    return hits;
  }

  /** Calls that missed (or took a cell over); for a sweep, inputs computed by this process. */
  public synchronized long misses() {
    return misses;
  }

  /** For a sweep, inputs that another process (or thread) was computing when the sweep reached them; else 0. */
  public synchronized long computedElsewhere() {
    return elsewhere;
  }

  /** Counts an input of a sweep by where its result came from. */
  @Override
  public synchronized void resolved(Sweep.Source source) {
    switch (source) {
      case HIT -> hits++;
      case COMPUTED_HERE -> misses++;
      case COMPUTED_ELSEWHERE -> elsewhere++;
    }
    counted();
  }

  /** The memoized function's label, as in the trace. */
  public String label() {
    return label;
  }

  /** The number of calls expected, 0 when unknown. */
  public long total() {
    return total;
  }

  /** Whether the loop is over ({@link #close()} was called). */
  public synchronized boolean isDone() {
    return done;
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
    counted();
  }

  private void counted() {
    long now = System.nanoTime();
    if (kernel != null) {
      if (now - lastUpdate >= MIN_INTERVAL_NANOS) {
        lastUpdate = now;
        kernel.update(displayId, this);
      }
    } else if (sweep) {
      sweepText.update(text());
    } else if (total > 0) {
      long decile = (hits + misses + elsewhere) * 10 / total;
      if (decile != lastTextDecile) {
        lastTextDecile = decile;
        ConsoleLine.println(System.out, text());
      }
    }
  }

  /** The bar as HTML and as its text line, now. */
  synchronized Rendering rendering() {
    String html = sweep ? Html.sweepProgress(label, hits, misses, elsewhere, total, done)
        : Html.progress(label, hits, misses, total, done);
    return new Rendering(html, toString());
  }

  private String text() {
    long count = hits + misses + elsewhere;
    String of = count + (total > 0 ? "/" + total : "");
    if (sweep) {
      return label + ": " + of + " inputs, " + hits + " hit, " + misses + " computed here, " + elsewhere
          + " computed elsewhere";
    }
    return label + ": " + of + " calls, " + hits + " hits, " + misses + " misses";
  }

  /**
   * The text line: {@code f(1): 250/1000 calls, 200 hits, 50 misses}, for a sweep
   * {@code f(1): 40/60 inputs, 5 hit, 20 computed here, 15 computed elsewhere}; then {@code (done)} once closed.
   */
  @Override
  public synchronized String toString() {
    return text() + (done ? " (done)" : "");
  }

  @Override
  public synchronized void close() {
    Trace.removeListener(listener);
    done = true;
    if (kernel != null) kernel.update(displayId, this);
    else if (sweep) sweepText.finish(toString());
    else ConsoleLine.println(System.out, toString());
  }

  /** Where the bar is shown, then updated in place: the notebook kernel running this JVM. */
  interface LiveDisplay {
    /** Shows the bar; returns the display's id, or null if it could not be shown. */
    String show(Progress p);

    /** Shows the bar anew in the display {@code id}. */
    void update(String id, Progress p);

    /** A running IJava or JJava kernel first (found by its instance), else rapaio's (found by its class). */
    static LiveDisplay find() {
      LiveDisplay running = NotebookKernels.liveDisplay();
      return running != null ? running : RapaioDisplay.find();
    }
  }

  /** The rapaio kernel's display calls, found by reflection so memokit does not depend on the kernel. */
  private record RapaioDisplay(Method display, Method update) implements LiveDisplay {
    static RapaioDisplay find() {
      try {
        Class<?> global = Class.forName("org.rapaio.jupyter.kernel.global.Global");
        return new RapaioDisplay(global.getMethod("display", String.class, Object.class),
            global.getMethod("updateDisplay", String.class, String.class, Object.class));
      } catch (ReflectiveOperationException | LinkageError notInTheKernel) {
        return null;
      }
    }

    @Override
    public String show(Progress p) {
      try {
        return (String) display.invoke(null, null, p); // memokit's renderer: the bar and its text line
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    @Override
    public void update(String id, Progress p) {
      if (id == null) return;
      try {
        update.invoke(null, id, null, p);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // the bar stops updating; the loop goes on
      }
    }
  }
}
