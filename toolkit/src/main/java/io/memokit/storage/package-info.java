/**
 * Storage: the contract between the cell lifecycle and the places cells are kept, and its backends.
 *
 * <p>A backend ({@link io.memokit.storage.StoreBackend}, opened by location with
 * {@link io.memokit.storage.Backends}) stores bytes and a codec id per cell; it never encodes or
 * decodes a value, and it imports neither the API nor the cell lifecycle. Its primitives are few
 * and shaped around cells, not files: read a finished cell, record a hit, claim a cell to compute
 * it ({@link io.memokit.storage.Claim}: start, complete or abandon), ask who computes one, ask
 * whether what a process remembers is still stored ({@link io.memokit.storage.Presence}), and
 * manage a block (statistics, clear, resize, remove, check).
 *
 * <p>A call goes: {@code read} (a hit: {@code hit}), else {@code tryClaim}; a failed claim means
 * another thread or process computes the cell, so the caller waits and reads again, or claims it
 * when the other dies (the backend released the claim); a claim is followed by a second
 * {@code read} (the other may have finished just before), then {@code start},
 * {@code complete} or {@code abandon}, and {@code close}.
 *
 * <p>One contract test suite runs against every backend ({@code StoreBackendContract}).
 * Implementation package: not part of memokit's API.
 */
package io.memokit.storage;
