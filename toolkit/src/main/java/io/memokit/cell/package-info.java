/**
 * Cell lifecycle: what happens on a call. A {@link io.memokit.cell.Block} answers from memory,
 * from the store (whichever backend keeps it, {@link io.memokit.storage.StoreBackend}), by waiting
 * for another thread or process, or by computing; it encodes and stores values and exceptions,
 * counts hits and misses, and reports every event to the trace.
 * Implementation package: not part of memokit's API.
 */
package io.memokit.cell;
