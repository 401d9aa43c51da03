/**
 * The PostgreSQL backend: a store is the schema {@code memokit} of a database, opened by its JDBC
 * URL ({@code jdbc:postgresql://host:5432/db?user=...}); processes of any host share it.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Tables.</b> {@link io.memokit.storage.postgres.Schema}: blocks (identity, maxsize, counters,
 * generation), cells (finished: state, payload or chunks, CRC32C, statistics, token), computing
 * (the computations in progress: number, token, computing process; unlogged, as a claim ends with
 * the server's sessions), chunks, waits, settings, and the version. A cell's row is written once,
 * by the completion that stores it, which counts it in its block's row; triggers keep each
 * block's counters and generation when cells change or go, whoever changes them.
 *
 * <p><b>Claims.</b> A session-level advisory lock per claimed cell, all of a process's claims in one
 * dedicated session ({@link io.memokit.storage.postgres.LockSession}): the server releases them when
 * the session ends (process killed, connection lost, {@code pg_terminate_backend}), and a waiter of
 * any host then takes the cell over. Taking the lock, reading the key's row in a snapshot taken
 * after it (a lookup that finds the row gives the lock back and claims nothing) and, finding none,
 * starting the computation is one call ({@code memokit.claim_cell}); storing the result and releasing the
 * claim, in the claim's session, is another ({@code complete_cell}), which keeps the lock until its
 * transaction commits, so that the next claim's read sees what it stored: a miss is two round trips, or
 * three after a lookup that found its cell, which reads first on its own
 * ({@link io.memokit.storage.postgres.Schema#routines}). The session asks the server to probe it (TCP keepalives), so that
 * a host that crashes or is cut off from the network loses its claims 10 s later, not hours later. Work runs on at most {@code Connections.MAX} other connections;
 * none is held while user code runs. A waiting process asks the server about a contended cell at
 * most every 100 ms.
 *
 * <p><b>Cell numbers.</b> Drawn from the sequence {@code memokit.cell_ids} by a start, under an
 * advisory lock every start takes shared; a computation that stores nothing gives its number back
 * ({@code give_back_cell_id}: under that lock exclusive, the sequence set back by one if the
 * number is the last drawn and no cell holds it), so numbers follow each other without gaps
 * unless another start drew a later number meanwhile.
 *
 * <p><b>Fencing.</b> Each start of a computation draws a token; a takeover draws a new one. A result
 * is stored only by the statement that finds the row computing with the claim's token while the
 * claim's session still holds its lock: a process whose session ended comes back to find its result
 * lost, and overwrites nothing (a connection that died in the cut is replaced, and the statement
 * run again, so that the outcome is that refusal rather than an I/O error).
 *
 * <p><b>Payloads.</b> In the row up to 1 MiB, else in 1 MiB chunks, streamed both ways, checked by
 * a CRC32C on every read ({@link io.memokit.storage.postgres.Payloads} says why).
 *
 * <p><b>Hit counts.</b> Queued in the process and written in one statement per block, at most every
 * second on the periodic rounds, at once before statistics, evictions and exit
 * ({@link io.memokit.storage.postgres.Hits}).
 *
 * <p><b>Presence.</b> A block's generation grows whenever one of its finished cells is removed; a
 * process answers hits from memory while the generation it read, at most 200 ms ago (polled every
 * 100 ms), is the one it validated the cell at ({@link io.memokit.storage.postgres.Watches}): a clear
 * or an eviction on another host stops those hits within 200 ms; this process's own at once.
 *
 * <p><b>Classes, one job each.</b> {@link io.memokit.storage.postgres.PostgresBackend}: the store
 * (blocks by identity, the byte limit, removal, check). A block,
 * {@link io.memokit.storage.postgres.PostgresBlock}, is its identity and row, and hands each call to
 * the part whose job it is: {@code CellReads} (a finished cell, verified; a damaged one removed),
 * {@code Hits} (counted in the store; answered from memory while the generation holds),
 * {@code RowClaim} (claim, start, fenced complete, abandon), {@code Contention} (who computes a cell,
 * and how often a waiter asks), {@code BlockAdmin} (maxsize, eviction, clearing, orphans) and
 * {@code BlockStatistics}; {@code BlockSql} holds the SQL they share and the lock order (a block's
 * row, then its cells' rows). Below them: {@code Connections}, {@code LockSession},
 * {@code Payloads}, {@code Watches}, {@code Schema}, {@code Rights}, {@code StoreCheck}.
 *
 * <p><b>Rights.</b> A role with only USAGE and SELECT on the schema gets hits; a miss gets a
 * {@link io.memokit.storage.StoreException} naming the rights it lacks and the grants that give them.
 */
package io.memokit.storage.postgres;
