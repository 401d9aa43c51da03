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
 *
 * <h2>Design note: the layers</h2>
 *
 * <p>Dependencies point one way, from the user down to the files, and {@code ArchitectureTest}
 * holds them to these rules:
 * <pre>
 *   cli                        the command line: the API, display's plain-text renderings, and
 *                              storage.Backends (to tell whether a store exists without creating it)
 *   display                    notebook and console renderings of the API's types
 *   io.memokit (the facade)    Memo, the stores and memoized functions: wires the layers below
 *   expr                       lazy expressions and chains
 *   cell                       a cell's life in a process: memory, waiting, computing, the trace
 *   codec                      values to bytes and back
 *   storage                    the contract every backend implements (few primitives), and
 *   storage.directory          Backends, which names the backends; each backend uses only the
 *   storage.postgres           contract and function, never the other backend
 *   function                   a function's identity and canonical keys: depends on nothing
 * </pre>
 * The layers below the facade use from {@code io.memokit} only its vocabulary: {@link
 * io.memokit.MemoException}, {@link io.memokit.Expr} and {@link io.memokit.MapExpr} (and display
 * the API's value types). No package cycle joins the implementation packages; nothing but the
 * facade's entry point uses {@code cli}.
 */
package io.memokit;
