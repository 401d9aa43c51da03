package io.memokit.storage.postgres;

import io.memokit.storage.MemokitVersion;
import io.memokit.storage.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's schema, {@code memokit}, created on first use and versioned in
 * {@code memokit.schema_version}:
 * <pre>
 *   blocks          one row per function identity: maxsize, misses, hits of removed cells, and the
 *                   counters the triggers keep (cells, bytes, generation)
 *   cells           one row per cell of a block and key hash: state, payload (inline) or chunk
 *                   count, CRC32C, statistics, the computing process and its claim's token
 *   chunks          payloads above {@link Payloads#INLINE_MAX}, in chunks of {@link Payloads#CHUNK}
 *                   bytes, keyed by the token of the computation that wrote them
 *   waits           the wait board ({@link PostgresWaitBoard})
 *   settings        store-wide values (the byte limit)
 *   cell_ids        the store's cell numbers; tokens: one per computation (fencing)
 *   claim_cell,     since version 2: a claim with the read that follows it, a computation's start,
 *   start_cell,     and its result's storing, each one call (one round trip) instead of two, five
 *   complete_cell   and three statements ({@link #routines})
 *   give_back_      since version 3: a computation that stored nothing gives its number back
 *   cell_id         ({@link #routines})
 *   cells.written_  since version 4: where each finished cell came from, set by complete_cell
 *   ...             ({@link #PROVENANCE}); NULL in a row stored before
 *   claim_cell,     since version 5: a claim may start the computation, and a completion may
 *   complete_cell   release its claim, each in the same call ({@link #routines})
 *   claim_cell      since version 6: finds the key's row by its key, whatever the statistics
 *                   the server planned its reads with ({@link BlockSql#finished}), and reads it
 *                   once per miss
 *   computing       since version 7: the computations in progress, apart from the finished cells
 *                   ({@link #COMPUTING}: unlogged); a finished cell's row is written once, by its
 *                   completion, which also counts it in its block's row
 * </pre>
 * Triggers on {@code cells} keep each block's counters and generation when its cells change or go,
 * and delete the chunks of a removed cell, in the transaction that changes the cell, whoever changes
 * it: an administrator's {@code DELETE} invalidates what processes remember as a clear would. The
 * one insertion of a finished row, {@code complete_cell}'s, counts the cell itself, in the update of
 * the block's row it makes anyway.
 */
final class Schema {

  /**
   * The version this memokit writes and reads; it upgrades versions 1 (no routines), 2 (no numbers
   * given back), 3 (no provenance), 4 (claims and starts, completions and releases, in separate
   * calls), 5 (reads that a plan may make scan every finished cell, and one read more per miss)
   * and 6 (computing rows among the finished ones, each cell's row written twice) in place.
   */
  static final int VERSION = 7;
  static final String NAME = "memokit";
  /** Class id of memokit's own two-key advisory locks (cell claims use one 64-bit key, so never collide). */
  static final int LOCK_CLASS = 0x4D4B5047; // "MKPG"
  static final int LOCK_SCHEMA = 1;
  static final int LOCK_BYTE_LIMIT = 2;
  /** Shared by every start drawing a cell number, exclusive while one is given back. */
  static final int LOCK_CELL_IDS = 3;

  private Schema() {}

  /** The statements that create the current version, in order. */
  static List<String> create() {
    List<String> s = version1();
    s.addAll(sinceVersion1());
    return s;
  }

  /**
   * What versions 2 to 7 added to version 1, in order, each statement harmless where it is already
   * done: creating a store, upgrading one and {@code check --fix} run them.
   */
  static List<String> sinceVersion1() {
    List<String> s = new ArrayList<>();
    s.add(PROVENANCE);
    s.add(COMPUTING);
    s.add(COMPUTING_GRANTS);
    s.add(COMPUTING_MOVED);
    s.add("DROP TRIGGER IF EXISTS cells_inserted ON memokit.cells");
    s.add("DROP FUNCTION IF EXISTS memokit.cells_inserted()");
    for (String former : List.of(COMPLETE_CELL_BEFORE_4, CLAIM_CELL_BEFORE_5, COMPLETE_CELL_BEFORE_5)) {
      s.add("DROP FUNCTION IF EXISTS " + former);
    }
    // Its parameters are today's: dropped only as version 6 declared it, not under running processes each time.
    s.add("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.oid = to_regprocedure('"
        + COMPLETE_CELL_BEFORE_7 + "') AND NOT 'o_evicted' = ANY (p.proargnames)) THEN DROP FUNCTION "
        + COMPLETE_CELL_BEFORE_7 + "; END IF; END $$");
    s.addAll(routines());
    return s;
  }

  /**
   * Version 4: where each finished cell came from, written by {@code complete_cell}. {@code written_by}
   * is the role of the session that stored the cell ({@code session_user}, which the server sets:
   * no client chooses it); the others are what the storing process said of itself: its host and
   * pid, its clock's time (epoch milliseconds), its JDK and memokit versions, and the code that
   * computed the cell ({@code io.memokit.storage.Provenance#codeOf}).
   */
  static final String PROVENANCE = "ALTER TABLE memokit.cells ADD COLUMN IF NOT EXISTS written_by text, "
      + "ADD COLUMN IF NOT EXISTS written_host text, ADD COLUMN IF NOT EXISTS written_pid bigint, "
      + "ADD COLUMN IF NOT EXISTS written_at bigint, ADD COLUMN IF NOT EXISTS written_jdk text, "
      + "ADD COLUMN IF NOT EXISTS written_memokit text, ADD COLUMN IF NOT EXISTS written_code text";

  /**
   * Version 7: the computations in progress, one row each: the claim's token and lock key, the cell's
   * number, and who computes it. A row here means that its claim is held, and every claim ends with
   * the server's sessions; so the table is {@code UNLOGGED}: writing a row costs no write-ahead log,
   * and a server restarting after a crash starts it empty, as it starts with no session and so no
   * claim. A computation whose process died leaves its row until a claim takes it over, or a
   * statistics or check finds its claim released. Lock order: a statement or routine that changes
   * several of a block's rows takes the block's row first (a completion, a clear, an eviction); a
   * claim changes only its own key's computing row, which no other claim can hold.
   */
  static final String COMPUTING = "CREATE UNLOGGED TABLE IF NOT EXISTS memokit.computing ("
      + " block_id bigint NOT NULL, key_hi bigint NOT NULL, key_lo bigint NOT NULL, id bigint NOT NULL,"
      + " token bigint NOT NULL, lock_key bigint NOT NULL, key bytea, created bigint NOT NULL,"
      + " holder_pid bigint, holder_host text, holder_host_hash integer, holder_backend integer,"
      + " PRIMARY KEY (block_id, key_hi, key_lo))";

  /**
   * Version 7's upgrade: the roles granted rights on {@code cells} get the same on {@code computing},
   * so that a team's roles compute after the upgrade as before it.
   */
  static final String COMPUTING_GRANTS = "DO $$ DECLARE g record; BEGIN"
      + " FOR g IN SELECT a.grantee, a.privilege_type FROM pg_catalog.pg_class k, aclexplode(k.relacl) a"
      + "   WHERE k.oid = 'memokit.cells'::regclass AND a.grantee <> k.relowner"
      + "   AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') LOOP"
      + "   EXECUTE format('GRANT %s ON memokit.computing TO %s', g.privilege_type,"
      + "     CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END);"
      + " END LOOP; END $$";

  /**
   * Version 7's upgrade: version 6's computing rows, moved out of {@code cells} (the statement trigger
   * of deletions takes them out of their blocks' cell counts, which now count finished cells only).
   */
  static final String COMPUTING_MOVED = "WITH moved AS (DELETE FROM memokit.cells WHERE state = 0 RETURNING block_id,"
      + " key_hi, key_lo, id, token, lock_key, key, created, holder_pid, holder_host, holder_host_hash, holder_backend)"
      + " INSERT INTO memokit.computing SELECT * FROM moved ON CONFLICT DO NOTHING";

  /**
   * {@code complete_cell} as versions 2 and 3 declared it: version 4 gave it the provenance's
   * parameters, which makes a routine of its own beside it, so an upgrade drops this one.
   */
  static final String COMPLETE_CELL_BEFORE_4 = "memokit.complete_cell(bigint, bigint, bigint, bigint, bigint, integer, "
      + "boolean, smallint, smallint, integer, bigint, bigint, integer, bytea, integer, bytea, text[], bigint, bigint, "
      + "bigint, bigint)";

  /**
   * {@code claim_cell} and {@code complete_cell} as version 4 declared them: version 5 gave the first
   * the start's parameters and the second the release's, and an upgrade drops the former ones. A
   * process of version 4 still running then fails its claims, rather than reading a cell before the
   * completion that released its claim has committed (see {@link #routines}).
   */
  static final String CLAIM_CELL_BEFORE_5 = "memokit.claim_cell(bigint, text, text, text, integer, bigint, bigint)";
  static final String COMPLETE_CELL_BEFORE_5 = "memokit.complete_cell(bigint, bigint, bigint, bigint, bigint, integer, "
      + "boolean, smallint, smallint, integer, bigint, bigint, integer, bytea, integer, bytea, text[], bigint, bigint, "
      + "bigint, bigint, text, bigint, text, text, text)";

  /**
   * {@code complete_cell} as versions 5 and 6 declared it: version 7 returns the cells its eviction
   * removed too, which a routine cannot change in place, so an upgrade drops it first.
   */
  static final String COMPLETE_CELL_BEFORE_7 = "memokit.complete_cell(bigint, bigint, bigint, bigint, bigint, integer, "
      + "boolean, smallint, smallint, integer, bigint, bigint, integer, bytea, integer, bytea, text[], bigint, bigint, "
      + "bigint, bigint, text, bigint, text, text, text, boolean)";

  /**
   * The routines' statements all find rows by an index. The server plans a routine's statements at
   * their first runs and keeps the plans until the tables are analysed again: planned while a new
   * store's tables are nearly empty, reading the whole table looks cheapest, and such a plan would
   * stay and make every read of a cell cost a scan that grows with the store. The setting every
   * memokit session makes ({@link Connections#SESSION}), made again by each routine, so that it
   * plans alike in any session.
   */
  private static final String KEYED = Connections.SESSION;

  /**
   * A key's finished row, as {@link CellReads#row} reads it, in a routine: in block {@code v_block},
   * found by its key whatever the statistics ({@link BlockSql#finished}), the block's id in the
   * index condition. A join on the block's name instead may be planned, in a fresh store, as a scan
   * of the whole index of cells filtered by the block's id, a cost that grows with the store.
   */
  static final String READ = "SELECT c.block_id, c.id, c.state::integer, c.codec::integer, c.flags, c.length, "
      + "c.crc, c.key, c.payload, c.chunks, c.token, c.created, c.cpu_nanos, c.wall_nanos FROM memokit.cells c "
      + "WHERE c.block_id = v_block AND c.key_hi = p_key_hi AND c.key_lo = p_key_lo AND " + BlockSql.finished("c");

  /**
   * The block's row found by its identity (into {@code v_block}, {@code o_maxsize}, {@code o_cells},
   * {@code o_generation}; {@code v_block} {@code NULL} if none), then the key's finished row in it
   * ({@link #READ}) into {@code claim_cell}'s row columns ({@code o_block} to {@code o_wall_nanos}).
   */
  private static final String READ_INTO_OUT = " SELECT b.id, b.maxsize, b.cells, b.generation INTO v_block, o_maxsize,"
      + " o_cells, o_generation FROM memokit.blocks b WHERE b.name = p_name AND b.version = p_version"
      + " AND b.code = p_code AND b.arity = p_arity;"
      + " IF v_block IS NOT NULL THEN " + READ + " INTO o_block, o_cell, o_state, o_codec, o_flags, o_length, o_crc,"
      + " o_key, o_payload, o_chunks, o_token, o_created, o_cpu_nanos, o_wall_nanos; END IF;";

  /** Whether the claim of lock key {@code p_lock_key} is held by the session with server pid {@code p_backend}. */
  private static final String CLAIM_HELD = "(pg_backend_pid() = p_backend OR " + Schema.claimHeldElsewhere() + ")";

  /**
   * Whether the claim of lock key {@code p_lock_key} is held by the session with server pid
   * {@code p_backend}, another than the routine's: asked of {@code pg_locks}, a statement whose
   * start alone costs a completion about a sixth of its time, so a routine run in the claim's own
   * session tests {@code p_backend} first, in a statement of its own.
   */
  private static String claimHeldElsewhere() {
    return "EXISTS (SELECT 1 FROM pg_catalog.pg_locks l "
        + "WHERE l.locktype = 'advisory' AND l.granted AND l.pid = p_backend AND l.objsubid = 1 "
        + "AND l.classid::bigint = ((p_lock_key >> 32) & 4294967295) AND l.objid::bigint = (p_lock_key & 4294967295) "
        + "AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))";
  }

  /**
   * The block's row, created if missing, into {@code block} (with {@code o_maxsize} and
   * {@code o_cells}), locked if {@code locked}: in a routine with parameters
   * {@code p_name ... p_arity, p_maxsize}.
   */
  private static String findBlock(String block, boolean locked) {
    return " LOOP"
        + "   SELECT b.id, b.maxsize, b.cells INTO " + block + ", o_maxsize, o_cells FROM memokit.blocks b"
        + "     WHERE b.name = p_name AND b.version = p_version AND b.code = p_code AND b.arity = p_arity"
        + (locked ? " FOR UPDATE;" : ";")
        + "   EXIT WHEN FOUND;"
        + "   INSERT INTO memokit.blocks (name, version, code, arity, maxsize) VALUES (p_name, p_version, p_code, p_arity,"
        + "     p_maxsize) ON CONFLICT (name, version, code, arity) DO NOTHING;"
        + " END LOOP;";
  }

  /**
   * A computation started, its claim held, in block {@code block} found by {@link #findBlock}
   * ({@code blockLocked} if it locked the row): takes a computing row of the key over (new token:
   * its claim was released, as this one holds it), or else evicts the least recently hit cells of
   * a full block (its row locked then) and inserts the computing row, its number drawn under lock
   * {@link #LOCK_CELL_IDS} shared. Into {@code cell} and {@code token}, and {@code o_evicted},
   * {@code o_taken_over} and {@code o_cells} (the block's finished cells once this one is stored).
   */
  private static String startHeld(String block, String cell, String token, boolean blockLocked) {
    return " o_evicted := 0; o_taken_over := false;"
        + " UPDATE memokit.computing k SET token = nextval('memokit.tokens'), lock_key = p_lock_key, key = p_key,"
        + "   created = p_now, holder_pid = p_pid, holder_host = p_host, holder_host_hash = p_host_hash,"
        + "   holder_backend = p_backend WHERE k.block_id = " + block + " AND k.key_hi = p_key_hi AND k.key_lo = p_key_lo"
        + "   RETURNING k.id, k.token INTO " + cell + ", " + token + ";"
        + " IF FOUND THEN"
        + "   o_taken_over := true;"
        + " ELSE"
        + "   IF o_cells >= o_maxsize THEN"
        + (blockLocked ? "" : "     SELECT b.cells INTO o_cells FROM memokit.blocks b WHERE b.id = " + block + " FOR UPDATE;")
        + "     IF o_cells >= o_maxsize THEN"
        + "       DELETE FROM memokit.cells WHERE id IN (SELECT c.id FROM memokit.cells c WHERE c.block_id = " + block
        + "         AND c.state > 0 ORDER BY c.last_hit, c.id LIMIT o_cells - o_maxsize + 1);"
        + "       GET DIAGNOSTICS o_evicted = ROW_COUNT;"
        + "     END IF;"
        + "   END IF;"
        + "   PERFORM pg_advisory_xact_lock_shared(" + LOCK_CLASS + ", " + LOCK_CELL_IDS + ");"
        + "   INSERT INTO memokit.computing (block_id, key_hi, key_lo, id, token, lock_key, key, created, holder_pid,"
        + "     holder_host, holder_host_hash, holder_backend) VALUES (" + block + ", p_key_hi, p_key_lo,"
        + "     nextval('memokit.cell_ids'), nextval('memokit.tokens'), p_lock_key, p_key, p_now, p_pid, p_host,"
        + "     p_host_hash, p_backend) RETURNING id, token INTO " + cell + ", " + token + ";"
        + "   o_cells := o_cells - o_evicted + 1;"
        + " END IF;";
  }

  /**
   * The routines: since version 2, each replaces a transaction of several statements, one round
   * trip each, by one call; since version 5, a miss is two or three round trips: the read, the
   * claim that starts the computation (the two in one call when the block's last lookup found no
   * cell), and the completion that releases the claim. Since version 7 a computation's row is in
   * {@link #COMPUTING} until its completion writes the cell's row, once. They run with the caller's
   * rights, but for {@code give_back_cell_id}.
   * <ul>
   *   <li>{@code claim_cell}: takes the claim's advisory lock if no session holds it (if one does,
   *   a lookup, {@code p_read_first}, still reads the key's finished row, and returns it unclaimed);
   *   then reads the key's finished row in a snapshot taken once it holds the claim: whatever the
   *   claim's last holder stored, as a completion keeps its claim until its transaction commits
   *   (below). A lookup that finds it there gives the claim back in the same call and returns the
   *   row unclaimed (since version 6; before, a lookup read first, then claimed: one read more per
   *   miss); so a lookup that finds no cell claims it in the same call, a miss of two round trips.
   *   To start ({@code p_start}), if it found none, starts the computation ({@code o_started}),
   *   reading the block's row without locking it unless the block is full.
   *   <li>{@code start_cell}: the block's row locked (created if missing), checks that the claim's
   *   session holds its lock (else SQLSTATE {@code MKLST}), removes the key's finished row (stale:
   *   the caller found it unusable) and starts the computation as {@code claim_cell} does. For a
   *   claim that found a finished row it could not use (damaged, refused), or one made without
   *   starting.
   *   <li>{@code complete_cell}: stores the result only if the key's computing row has the claim's
   *   token and the claim's session holds its lock ({@code o_stored}): counts the cell, its bytes
   *   and the miss in the block's row (which it locks first), moves the computation's number and
   *   token from the computing row into the cell's row, which it inserts with where the result came
   *   from ({@link #PROVENANCE}, since version 4: the role is the session's, the rest the caller's
   *   word), and evicts the least recently hit cells if computations started meanwhile overfilled
   *   the block ({@code o_evicted}); returns the block's generation, the store's byte limit and its
   *   bytes. Run in the claim's own session ({@code p_unlock}, since version 5), it releases the
   *   claim, having first taken the claim's lock again for its transaction: another session takes
   *   the claim only once this transaction has committed, and so reads what it stored.
   *   <li>{@code give_back_cell_id} (version 3): called once a computation's row is removed unstored;
   *   under lock {@link #LOCK_CELL_IDS} exclusive, so that no start draws a number meanwhile, sets
   *   the sequence back by one if the number is the last one drawn and no cell holds it: the next
   *   start draws it again. It runs with its owner's rights ({@code SECURITY DEFINER}, its search
   *   path fixed), as {@code setval} needs UPDATE on the sequence, which computing roles do not
   *   have (USAGE draws numbers); it can do nothing else, whoever calls it.
   * </ul>
   * A miss is counted when its computation ends: by the completion, whether it stores the result or
   * finds it lost, or by the removal of the computing row that gives it up ({@link RowClaim#abandon}).
   * A computation whose process died is counted once, by the process that takes it over.
   */
  static List<String> routines() {
    List<String> s = new ArrayList<>();
    s.add("CREATE OR REPLACE FUNCTION memokit.claim_cell(p_lock_key bigint, p_name text, p_version text, p_code text, "
        + "p_arity integer, p_key_hi bigint, p_key_lo bigint, p_read_first boolean, p_start boolean, p_maxsize integer, "
        + "p_key bytea, p_now bigint, p_pid bigint, p_host text, p_host_hash integer, "
        + "OUT o_claimed boolean, OUT o_block bigint, OUT o_cell bigint, "
        + "OUT o_state integer, OUT o_codec integer, OUT o_flags integer, OUT o_length bigint, OUT o_crc integer, "
        + "OUT o_key bytea, OUT o_payload bytea, OUT o_chunks integer, OUT o_token bigint, OUT o_generation bigint, "
        + "OUT o_created bigint, OUT o_cpu_nanos bigint, OUT o_wall_nanos bigint, "
        + "OUT o_started boolean, OUT o_started_block bigint, OUT o_started_cell bigint, OUT o_started_token bigint, "
        + "OUT o_evicted integer, OUT o_taken_over boolean, OUT o_removed_finished boolean, OUT o_maxsize integer, "
        + "OUT o_cells integer) "
        + "LANGUAGE plpgsql " + KEYED + " AS $$ DECLARE p_backend integer := pg_backend_pid(); v_block bigint; BEGIN"
        + " o_started := false;"
        + " o_removed_finished := false;"
        + " o_claimed := pg_try_advisory_lock(p_lock_key);"
        + " IF NOT o_claimed THEN" // another session holds the claim: for a lookup, a finished row still answers
        + "   IF p_read_first THEN " + READ_INTO_OUT + " END IF;"
        + "   RETURN;"
        + " END IF;"
        // a new snapshot, taken once the claim is held: what the claim's last holder committed
        + READ_INTO_OUT
        + " IF o_block IS NOT NULL AND p_read_first THEN" // a lookup's finished row: answered without the claim
        + "   PERFORM pg_advisory_unlock(p_lock_key);"
        + "   o_claimed := false;"
        + "   RETURN;"
        + " END IF;"
        + " IF p_start AND o_block IS NULL THEN"
        + "   IF v_block IS NULL THEN " + findBlock("v_block", false) + " END IF;"
        + "   o_started_block := v_block;"
        + startHeld("o_started_block", "o_started_cell", "o_started_token", false)
        + "   o_started := true;"
        + " END IF;"
        + " END $$");
    s.add("CREATE OR REPLACE FUNCTION memokit.start_cell(p_name text, p_version text, p_code text, p_arity integer, "
        + "p_maxsize integer, p_key_hi bigint, p_key_lo bigint, p_key bytea, p_lock_key bigint, p_now bigint, "
        + "p_pid bigint, p_host text, p_host_hash integer, p_backend integer, "
        + "OUT o_block bigint, OUT o_cell bigint, OUT o_token bigint, OUT o_evicted integer, OUT o_taken_over boolean, "
        + "OUT o_removed_finished boolean, OUT o_maxsize integer, OUT o_cells integer) "
        + "LANGUAGE plpgsql " + KEYED + " AS $$ BEGIN"
        + findBlock("o_block", true)
        + " IF NOT " + CLAIM_HELD + " THEN"
        + "   RAISE EXCEPTION 'the claim was lost: its session with the server ended' USING ERRCODE = 'MKLST';"
        + " END IF;"
        + " DELETE FROM memokit.cells c WHERE c.block_id = o_block AND c.key_hi = p_key_hi AND c.key_lo = p_key_lo;"
        + " o_removed_finished := FOUND;"
        + " IF o_removed_finished THEN o_cells := o_cells - 1; END IF;"
        + startHeld("o_block", "o_cell", "o_token", true)
        + " END $$");
    s.add("CREATE OR REPLACE FUNCTION memokit.complete_cell(p_block bigint, p_key_hi bigint, p_key_lo bigint, "
        + "p_token bigint, p_lock_key bigint, p_backend integer, p_store boolean, p_state smallint, p_codec smallint, "
        + "p_flags integer, p_length bigint, p_size bigint, p_crc integer, p_payload bytea, p_chunks integer, p_key bytea, "
        + "p_dependencies text[], p_created bigint, p_cpu_nanos bigint, p_wall_nanos bigint, p_now bigint, "
        + "p_host text, p_pid bigint, p_jdk text, p_memokit text, p_code text, p_unlock boolean, "
        + "OUT o_stored boolean, OUT o_generation bigint, OUT o_byte_limit bigint, OUT o_bytes bigint, "
        + "OUT o_evicted integer) "
        + "LANGUAGE plpgsql " + KEYED + " AS $$ DECLARE v_cell bigint; v_cells integer; v_maxsize integer;"
        + " v_held boolean; v_rows integer := 0; BEGIN"
        + " o_stored := false;"
        + " o_bytes := 0;"
        + " o_byte_limit := 0;"
        + " o_evicted := 0;"
        + " IF p_unlock THEN PERFORM pg_advisory_xact_lock(p_lock_key); END IF;" // the claim held until this commits
        + " IF NOT p_store THEN" // stored by a run whose answer was lost
        + "   SELECT b.generation INTO o_generation FROM memokit.blocks b WHERE b.id = p_block;"
        + "   o_stored := FOUND;"
        + " ELSE"
        + "   UPDATE memokit.blocks b SET cells = b.cells + 1, bytes = b.bytes + p_size, misses = b.misses + 1"
        + "     WHERE b.id = p_block RETURNING b.generation, b.cells, b.maxsize INTO o_generation, v_cells, v_maxsize;"
        + "   IF FOUND THEN" // else the block was removed
        + "     v_held := pg_backend_pid() = p_backend;"
        + "     IF NOT v_held THEN v_held := " + claimHeldElsewhere() + "; END IF;"
        + "     IF v_held THEN"
        + "       DELETE FROM memokit.computing k WHERE k.block_id = p_block AND k.key_hi = p_key_hi"
        + "         AND k.key_lo = p_key_lo AND k.token = p_token RETURNING k.id INTO v_cell;"
        + "     END IF;"
        + "     IF v_cell IS NOT NULL THEN" // a cell another stored meanwhile (its claim ended in between) stays
        + "       INSERT INTO memokit.cells (block_id, key_hi, key_lo, id, state, token, lock_key, key, dependencies, codec,"
        + "         flags, length, size, crc, payload, chunks, created, last_hit, cpu_nanos, wall_nanos, written_by,"
        + "         written_host, written_pid, written_at, written_jdk, written_memokit, written_code) VALUES (p_block,"
        + "         p_key_hi, p_key_lo, v_cell, p_state, p_token, p_lock_key, p_key, p_dependencies, p_codec, p_flags,"
        + "         p_length, p_size, p_crc, p_payload, p_chunks, p_created, p_now, p_cpu_nanos, p_wall_nanos,"
        + "         session_user::text, p_host, p_pid, p_now, p_jdk, p_memokit, p_code)"
        + "         ON CONFLICT (block_id, key_hi, key_lo) DO NOTHING;"
        + "       GET DIAGNOSTICS v_rows = ROW_COUNT;"
        + "     END IF;"
        + "     IF v_rows > 0 THEN"
        + "       o_stored := true;"
        + "       IF v_cells > v_maxsize THEN" // computations started while the block was not yet full
        + "         DELETE FROM memokit.cells WHERE id IN (SELECT c.id FROM memokit.cells c WHERE c.block_id = p_block"
        + "           AND c.state > 0 AND c.id <> v_cell ORDER BY c.last_hit, c.id LIMIT v_cells - v_maxsize);"
        + "         GET DIAGNOSTICS o_evicted = ROW_COUNT;"
        + "         SELECT b.generation INTO o_generation FROM memokit.blocks b WHERE b.id = p_block;"
        + "       END IF;"
        + "     ELSE" // cleared or taken over, or this claim's session ended: lost, its miss counted all the same
        + "       UPDATE memokit.blocks b SET cells = b.cells - 1, bytes = b.bytes - p_size WHERE b.id = p_block;"
        + "     END IF;"
        + "   END IF;"
        + " END IF;"
        + " IF o_stored THEN"
        + "   o_byte_limit := coalesce((SELECT value FROM memokit.settings WHERE name = 'byte_limit'), 0);"
        + "   IF o_byte_limit > 0 THEN SELECT coalesce(sum(a.bytes), 0) INTO o_bytes FROM memokit.blocks a; END IF;"
        + " END IF;"
        + " IF p_unlock THEN PERFORM pg_advisory_unlock(p_lock_key); END IF;"
        + " END $$");
    s.add("CREATE OR REPLACE FUNCTION memokit.give_back_cell_id(p_cell bigint) RETURNS boolean LANGUAGE plpgsql "
        + "SECURITY DEFINER SET search_path = pg_catalog, pg_temp " + KEYED + " AS $$ BEGIN"
        + " PERFORM pg_advisory_xact_lock(" + LOCK_CLASS + ", " + LOCK_CELL_IDS + ");"
        + " IF NOT EXISTS (SELECT 1 FROM memokit.cell_ids q WHERE p_cell > 0"
        + "     AND p_cell = CASE WHEN q.is_called THEN q.last_value ELSE q.last_value - 1 END)"
        + "   OR EXISTS (SELECT 1 FROM memokit.cells c WHERE c.id = p_cell)"
        + "   OR EXISTS (SELECT 1 FROM memokit.computing k WHERE k.id = p_cell) THEN"
        + "   RETURN false;"
        + " END IF;"
        + " PERFORM setval('memokit.cell_ids', p_cell, false);"
        + " RETURN true;"
        + " END $$");
    return s;
  }

  /** The statements that create version 1, in order. */
  private static List<String> version1() {
    List<String> s = new ArrayList<>();
    s.add("CREATE SCHEMA IF NOT EXISTS memokit");
    s.add("CREATE TABLE memokit.schema_version (version integer NOT NULL, written_by text NOT NULL, "
        + "created timestamptz NOT NULL DEFAULT now())");
    s.add("CREATE SEQUENCE memokit.cell_ids");
    s.add("CREATE SEQUENCE memokit.tokens");
    s.add("CREATE TABLE memokit.settings (name text PRIMARY KEY, value bigint NOT NULL)");
    s.add("CREATE TABLE memokit.blocks ("
        + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        + " name text NOT NULL, version text NOT NULL, code text NOT NULL, arity integer NOT NULL,"
        + " maxsize integer NOT NULL CHECK (maxsize >= 1),"
        + " misses bigint NOT NULL DEFAULT 0,"
        + " removed_hits bigint NOT NULL DEFAULT 0,"
        + " cells integer NOT NULL DEFAULT 0,"
        + " bytes bigint NOT NULL DEFAULT 0,"
        + " generation bigint NOT NULL DEFAULT 0,"
        + " UNIQUE (name, version, code, arity))");
    s.add("CREATE TABLE memokit.cells ("
        + " block_id bigint NOT NULL REFERENCES memokit.blocks ON DELETE CASCADE,"
        + " key_hi bigint NOT NULL, key_lo bigint NOT NULL,"
        + " id bigint NOT NULL UNIQUE,"
        + " state smallint NOT NULL CHECK (state IN (0, 1, 2)),"
        + " token bigint NOT NULL UNIQUE,"
        + " lock_key bigint NOT NULL,"
        + " key bytea, dependencies text[],"
        + " codec smallint NOT NULL DEFAULT 0, flags integer NOT NULL DEFAULT 0,"
        + " length bigint NOT NULL DEFAULT 0, size bigint NOT NULL DEFAULT 0, crc integer NOT NULL DEFAULT 0,"
        + " payload bytea, chunks integer NOT NULL DEFAULT 0,"
        + " created bigint NOT NULL, last_hit bigint NOT NULL, hits bigint NOT NULL DEFAULT 0,"
        + " cpu_nanos bigint NOT NULL DEFAULT 0, wall_nanos bigint NOT NULL DEFAULT 0,"
        + " holder_pid bigint, holder_host text, holder_host_hash integer, holder_backend integer,"
        + " PRIMARY KEY (block_id, key_hi, key_lo))");
    s.add("CREATE INDEX cells_block_lru ON memokit.cells (block_id, last_hit, id) WHERE state > 0");
    s.add("CREATE INDEX cells_store_lru ON memokit.cells (last_hit, id) WHERE state > 0");
    s.add("CREATE TABLE memokit.chunks (token bigint NOT NULL, seq integer NOT NULL, data bytea NOT NULL, "
        + "PRIMARY KEY (token, seq))");
    s.add("CREATE TABLE memokit.waits (host_hash integer NOT NULL, pid bigint NOT NULL, thread_id bigint NOT NULL, "
        + "entry text NOT NULL, updated timestamptz NOT NULL DEFAULT clock_timestamp(), "
        + "PRIMARY KEY (host_hash, pid, thread_id))");
    // The counters of a block follow its cells in the same transaction. Row triggers for inserts and
    // for the updates that change what a row holds (hit counts do not fire it: WHEN); a statement
    // trigger for deletes, so that clearing 10,000 cells updates the block once.
    s.add("CREATE FUNCTION memokit.cells_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " UPDATE memokit.blocks SET cells = cells + 1,"
        + "   bytes = bytes + CASE WHEN NEW.state > 0 THEN NEW.size ELSE 0 END WHERE id = NEW.block_id;"
        + " RETURN NULL; END $$");
    s.add("CREATE TRIGGER cells_inserted AFTER INSERT ON memokit.cells FOR EACH ROW "
        + "EXECUTE FUNCTION memokit.cells_inserted()");
    s.add("CREATE FUNCTION memokit.cells_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.block_id = OLD.block_id THEN"
        + "   UPDATE memokit.blocks SET bytes = bytes - CASE WHEN OLD.state > 0 THEN OLD.size ELSE 0 END"
        + "     + CASE WHEN NEW.state > 0 THEN NEW.size ELSE 0 END,"
        + "     generation = generation + CASE WHEN OLD.state > 0 AND (NEW.state = 0 OR NEW.id <> OLD.id)"
        + "     THEN 1 ELSE 0 END"
        + "   WHERE id = NEW.block_id;"
        + " ELSE"
        + "   UPDATE memokit.blocks SET cells = cells - 1, bytes = bytes - CASE WHEN OLD.state > 0 THEN OLD.size"
        + "     ELSE 0 END, generation = generation + 1 WHERE id = OLD.block_id;"
        + "   UPDATE memokit.blocks SET cells = cells + 1, bytes = bytes + CASE WHEN NEW.state > 0 THEN NEW.size"
        + "     ELSE 0 END WHERE id = NEW.block_id;"
        + " END IF;"
        + " IF NEW.token <> OLD.token THEN DELETE FROM memokit.chunks WHERE token = OLD.token; END IF;"
        + " RETURN NULL; END $$");
    s.add("CREATE TRIGGER cells_updated AFTER UPDATE ON memokit.cells FOR EACH ROW"
        + " WHEN (OLD.state <> NEW.state OR OLD.size <> NEW.size OR OLD.id <> NEW.id OR OLD.token <> NEW.token"
        + " OR OLD.block_id <> NEW.block_id)"
        + " EXECUTE FUNCTION memokit.cells_updated()");
    s.add("CREATE FUNCTION memokit.cells_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " UPDATE memokit.blocks b SET cells = b.cells - d.n, bytes = b.bytes - d.bytes,"
        + "   removed_hits = b.removed_hits + d.hits,"
        + "   generation = b.generation + CASE WHEN d.finished > 0 THEN 1 ELSE 0 END"
        + " FROM (SELECT block_id, count(*) AS n, count(*) FILTER (WHERE state > 0) AS finished,"
        + "   coalesce(sum(size) FILTER (WHERE state > 0), 0) AS bytes, coalesce(sum(hits), 0) AS hits"
        + "   FROM gone GROUP BY block_id) d"
        + " WHERE b.id = d.block_id;"
        + " DELETE FROM memokit.chunks c USING gone g WHERE c.token = g.token AND g.chunks > 0;"
        + " RETURN NULL; END $$");
    s.add("CREATE TRIGGER cells_deleted AFTER DELETE ON memokit.cells REFERENCING OLD TABLE AS gone"
        + " FOR EACH STATEMENT EXECUTE FUNCTION memokit.cells_deleted()");
    return s;
  }

  /**
   * Checks the schema's version, creating the schema if the database has none (once, under an
   * advisory lock, so that processes opening a new store at once create it once). Refuses a newer
   * version, and a role that may neither read an existing schema nor create a missing one, naming
   * the right it lacks.
   */
  static void ensure(Connection c, String store) throws SQLException {
    Integer version = version(c, store);
    if (version == null) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        lockSchema(c);
        version = version(c, store);
        if (version == null) {
          try (Statement st = c.createStatement()) {
            for (String sql : create()) st.execute(sql);
          }
          try (PreparedStatement ins = c.prepareStatement(
              "INSERT INTO memokit.schema_version (version, written_by) VALUES (?, ?)")) {
            ins.setInt(1, VERSION);
            ins.setString(2, "memokit " + MemokitVersion.get());
            ins.execute();
          }
          version = VERSION;
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if (SqlErrors.isPrivilege(e)) {
          throw new StoreException("store " + store + ": the database has no memokit schema yet, and role "
              + currentUser(c) + " cannot create it (" + e.getMessage() + "). Open the store once with a role "
              + "that has CREATE on the database, or GRANT CREATE ON DATABASE " + currentDatabase(c) + " TO "
              + currentUser(c), e);
        }
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
    if (version >= 1 && version < VERSION) version = upgrade(c, store);
    if (version > VERSION) {
      throw new StoreException("store " + store + ": its schema " + NAME + " is at version " + version
          + ", written by a newer memokit; this memokit reads versions up to " + VERSION
          + ": upgrade memokit, or use another database");
    }
    if (version == UNREADABLE) return; // the rights check names what is missing
    if (version < 1) {
      throw new StoreException("store " + store + ": memokit.schema_version holds version " + version
          + ", which no memokit writes: the schema was changed by hand");
    }
  }

  /** Takes the schema's advisory lock for this transaction: one process creates or upgrades it at a time. */
  private static void lockSchema(Connection c) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      lock.setInt(1, LOCK_CLASS);
      lock.setInt(2, LOCK_SCHEMA);
      lock.execute();
    }
  }

  /**
   * Upgrades a schema of an older version to this one ({@link #sinceVersion1}: the provenance's
   * columns added, routines created or replaced; cells kept), once, under the schema's advisory
   * lock; a role that may not names the right it lacks. Returns the version.
   */
  private static int upgrade(Connection c, String store) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    Integer version = null;
    try {
      lockSchema(c);
      version = version(c, store);
      if (version != null && version >= 1 && version < VERSION) {
        try (Statement st = c.createStatement()) {
          for (String sql : sinceVersion1()) st.execute(sql);
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE memokit.schema_version SET version = ?, written_by = ?")) {
          up.setInt(1, VERSION);
          up.setString(2, "memokit " + MemokitVersion.get());
          up.execute();
        }
        version = VERSION;
      }
      c.commit();
      return version == null ? VERSION : version;
    } catch (SQLException e) {
      c.rollback();
      if (SqlErrors.isPrivilege(e)) {
        throw new StoreException("store " + store + ": its memokit schema is at version " + version + ", and role "
            + currentUser(c) + " cannot upgrade it to version " + VERSION + " (" + e.getMessage() + "). Open the "
            + "store once with the role that owns schema memokit", e);
      }
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** The version of a schema this role cannot read: {@link Rights} then names what it lacks. */
  private static final int UNREADABLE = -1;

  /**
   * The schema's version; {@code null} if the database has no memokit schema (or an empty one);
   * {@link #UNREADABLE} if this role may not read it.
   */
  private static Integer version(Connection c, String store) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT n.oid IS NOT NULL, coalesce(has_schema_privilege(n.oid, 'USAGE'), false), "
            + "EXISTS (SELECT 1 FROM pg_catalog.pg_class k WHERE k.relnamespace = n.oid), "
            + "EXISTS (SELECT 1 FROM pg_catalog.pg_class k WHERE k.relnamespace = n.oid AND k.relname = 'schema_version') "
            + "FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = 'memokit'")) {
      r.next();
      if (!r.getBoolean(1)) return null;
      if (!r.getBoolean(2)) return UNREADABLE;
      if (!r.getBoolean(4)) {
        if (!r.getBoolean(3)) return null;
        throw new StoreException("store " + store + ": the database has a schema named memokit that memokit did not "
            + "create (it has no memokit.schema_version table): rename it, or use another database");
      }
    }
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(
        "SELECT has_table_privilege('memokit.schema_version', 'SELECT')")) {
      r.next();
      if (!r.getBoolean(1)) return UNREADABLE;
    }
    try (Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT max(version) FROM memokit.schema_version")) {
      r.next();
      int v = r.getInt(1);
      return r.wasNull() ? 0 : v;
    }
  }

  static String currentUser(Connection c) {
    return scalar(c, "SELECT current_user");
  }

  static String currentDatabase(Connection c) {
    return scalar(c, "SELECT current_database()");
  }

  private static String scalar(Connection c, String sql) {
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      return "?";
    }
  }
}
