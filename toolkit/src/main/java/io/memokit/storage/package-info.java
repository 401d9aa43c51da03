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
 * <p>A call goes: {@code read} (a hit: {@code hit}), else {@code tryClaim}; a call that will
 * compute asks {@code readOrClaimToCompute} for both, and a backend may do them, and the start, in
 * one round trip to its server; a failed claim means
 * another thread or process computes the cell, so the caller waits and reads again, or claims it
 * when the other dies (the backend released the claim); a claim is followed by a second
 * {@code read} (the other may have finished just before), then {@code start},
 * {@code complete} or {@code abandon}, and {@code close}.
 *
 * <p>Above the contract lies the policy: the user's maxsize and byte limit are checked where they
 * enter ({@link io.memokit.storage.StoreSettings#checkMaxsize}, {@code checkByteLimit}); a pass over
 * the byte limit evicts to {@link io.memokit.storage.StoreBackend#LIMIT_MARGIN} of it. A cell a
 * backend returns is of that backend's own type ({@link io.memokit.storage.StoredCell}), handed back
 * to the same block untouched; a block is named by {@link io.memokit.function.FunctionId#storedName()}
 * in every backend. Two hooks remain where only the backend knows the moment: it asks the cell
 * layer to publish the hits counted in memory before it reads or evicts by them
 * ({@code beforeStatistics}), and a fault of a mapped file, which the JVM reports late (an
 * {@link InternalError} possibly after the backend's frame returned), is handed back to the backend
 * to repair ({@code repairedAfter}). Time comes from the settings: the wall clock for what cells
 * record, a monotonic ticker for intervals.
 *
 * <p>One contract test suite runs against every backend ({@code StoreBackendContract}); the
 * facade's behaviour tests run on every backend too ({@code OnEachStoreKind}).
 * Implementation package: not part of memokit's API.
 */
package io.memokit.storage;
