/**
 * Cell lifecycle: what happens on a call. A {@link io.memokit.cell.Block} answers from memory,
 * from the cell's file, by waiting for another thread or process, or by computing; it stores
 * values and exceptions, counts hits and misses, and reports every event to the trace.
 * Implementation package: not part of memokit's API.
 */
package io.memokit.cell;
