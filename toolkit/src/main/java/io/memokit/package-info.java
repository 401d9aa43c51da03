/**
 * memokit's API: persistent memoization shared by the threads and processes that open a store,
 * for JShell and notebooks. {@link io.memokit.Memo} is the facade ({@code import static
 * io.memokit.Memo.*;}); {@link io.memokit.MemoStore} is a store (a directory, or a PostgreSQL
 * database); {@link io.memokit.Expr} and {@link io.memokit.MapExpr} are lazy expressions. Every other
 * package is implementation, not API.
 *
 * <p>Guarantees: a cell (one function, version and argument list) is computed at most once at a
 * time across the threads and processes sharing a store, and its value or exception is returned to
 * every later call, in any of them; a stored value is returned only if its bytes are whole and
 * their checksum matches. Arguments are keyed canonically: equal values give equal keys in every
 * JVM, and an argument of a type memokit cannot key is refused with an error naming it. A value a
 * caller could change is decoded afresh for each hit, so no caller changes what the next one gets.
 * A stored value that cannot be read in a process (its class missing or changed, or refused by the
 * store's allow-list) is never returned: the call computes instead.
 */
package io.memokit;
