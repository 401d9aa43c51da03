package io.memokit;

import java.nio.file.Path;
import java.util.List;

/**
 * A store of memoized results, shared by every thread and process that opens it: a directory, or a
 * PostgreSQL database (shared by processes of any host). There is one instance per canonical path
 * (or URL) in a process ({@link Memo#store(Path)}, {@link Memo#store(String)}).
 *
 * <p>Guarantees: a cell is computed once across processes while its computing process lives; a
 * stored value is returned only if its stored bytes are whole and their checksum matches. Who may
 * read or write a store is who may read or write where it is kept: a directory store's files are as
 * private as its directory (new stores are owner-only, and a world-writable store is refused); a
 * PostgreSQL store is governed by the database's roles and grants on its schema.
 */
public interface MemoStore extends AutoCloseable {

  /**
   * Where the store is, as messages, traces and tables name it: its directory (a canonical path), or
   * the JDBC URL of its PostgreSQL database with the password masked ({@code password=***}).
   */
  String location();

  /**
   * The store's directory, as a canonical path. A store in a PostgreSQL database has no directory:
   * this throws an {@link UnsupportedOperationException} naming its {@link #location()}.
   */
  Path path();

  /** Every block in the store with its statistics, read from the store (so other processes' work shows). */
  List<BlockInfo> blocks();

  /**
   * The block {@code name} names, to read or manage without its function: named as
   * {@link #blocks()} names it ({@link BlockInfo#blockName()}: {@code f(1)#3fa2c1d0e5b6a7f8},
   * {@code g{3}(2)}), or shorter ({@code f(1)}, {@code f}, {@code g{3}}) when only one block has
   * that name. A name that matches no block, or several, is a {@link MemoException} listing the
   * store's blocks.
   */
  StoredBlock block(String name);

  /**
   * Removes the blocks of functions that this process defines under another version or, for
   * unversioned functions, with other code (obsolete results, kept until now for processes still
   * running the former code). A block that a running process uses (another kernel running that
   * code) is kept, and a line on standard error says so: {@code memokit: kept block
   * sq(1)#3fa2c1d0e5b6a7f8 of STORE: in use by proc 4504 on host-a}. Returns how many blocks were removed.
   */
  int clearObsolete();

  /**
   * {@link #clearObsolete()}, and also the blocks of any function that no cell of was computed or
   * hit for {@code alsoUnusedFor} (a block this process defines now and blocks in use by a running
   * process stay): {@code s.clearObsolete(Duration.ofDays(30))}. Returns how many blocks were removed.
   */
  int clearObsolete(java.time.Duration alsoUnusedFor);

  /**
   * Disk space the store takes, in bytes: its cells and its bookkeeping (a directory store's files,
   * indexes, locks and markers included; a PostgreSQL store's tables and sequences, with their
   * indexes).
   */
  long bytes();

  /**
   * Keeps the store's cells, all blocks together, under {@code maxBytes}: whenever a new cell
   * passes the limit, the least recently hit cells of any block are evicted until the cells take
   * 95% of it (a cell larger than the limit evicts everything, itself included). The limit is kept
   * in the store, for every process and later runs; 0 removes it. Evicts at once if the store is
   * over it. Returns how many cells were evicted. Each block's own maxsize still applies.
   */
  int limitBytes(long maxBytes);

  /** The limit set by {@link #limitBytes}, in bytes; 0 if none. */
  long byteLimit();

  /**
   * Verifies that the store's bookkeeping and its cells agree: every indexed cell readable and
   * whole, every cell indexed once, counts right, nothing left computing by a process that died.
   * With {@code fix}, repairs what it finds (damaged cells are removed, to be computed again).
   * Returns the problems found, in words; empty when the store is sound. Safe while other
   * processes use the store.
   */
  List<String> check(boolean fix);

  /**
   * Lets values read from this store hold the classes {@code patterns} name, besides the default
   * ones, and be read with FST or Java serialization (filtered to those classes at any depth).
   * Patterns are class names ({@code com.acme.Point}), packages ({@code com.acme.*}) or package
   * trees ({@code com.acme.**}). Always allowed: the JDK's value and collection classes
   * ({@code java.lang.*, java.util.*, java.time.*, java.math.*}), enums, records and memokit's own
   * classes. A stored value holding any other class is not returned: it is logged once and computed
   * here, and the stored cell is kept. Without a list, a store only its owner can write reads any
   * class, and a store others can write (a PostgreSQL store; a group-writable directory, or another
   * user's) reads only values in memokit's own format holding the always-allowed classes, unless
   * {@link #trustWriters()}. Applies to this process; the system property
   * {@code memokit.allowedClasses} (comma-separated) sets it for every store. Returns this store.
   */
  MemoStore allowOnlyClasses(String... patterns);

  /**
   * Says that every user or database role that can write this store is trusted: its values are read
   * with any class and format, as in a private store. Whoever can write a store others read can
   * make them deserialize bytes of their choosing, and Java serialization or FST of chosen bytes can
   * run code in the reader: call it only when every writer is someone you would let run code in
   * this process. An allow-list ({@link #allowOnlyClasses}) still applies. Applies to this process;
   * the system property {@code memokit.trustWriters=true} sets it for every store. Returns this store.
   */
  MemoStore trustWriters();

  /** The allow-list in force for reading ({@link #allowOnlyClasses}), empty when any class may be read. */
  List<String> allowedClassPatterns();

  /**
   * Ends this process's use of the store: publishes its hits, releases its files, connections and
   * threads, and forgets this instance, so that {@code store(location)} opens it anew (as a new
   * process would, reading everything from the store). The store's contents stay. Functions bound to
   * a closed store refuse calls with a {@link MemoException} that says how to reopen it; closing
   * twice does nothing. Use try-with-resources in scripts: {@code try (var s = store("cache")) {...}}.
   */
  @Override
  void close();
}
