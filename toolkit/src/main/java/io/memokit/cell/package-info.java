/**
 * Cell lifecycle: what happens on a call. A {@link io.memokit.cell.Block} answers from memory,
 * from the store (whichever backend keeps it, {@link io.memokit.storage.StoreBackend}), by waiting
 * for another thread or process, or by computing; it encodes and stores values and exceptions,
 * counts hits and misses, and reports every event to the trace. Its parts: {@code CellMemory}
 * (this process's copies and their hits), {@link io.memokit.cell.HitPublisher} (one thread handing
 * hits to the store), {@code Computation} (a miss), {@code BlockNotices} (what a user is told once),
 * {@code ProcessWait} and {@code InFlight} (waiting for another process or thread), and
 * {@link io.memokit.cell.ConsoleLine} (the console's line drawn in place, which the trace and
 * notices print around).
 * Implementation package: not part of memokit's API.
 */
package io.memokit.cell;
