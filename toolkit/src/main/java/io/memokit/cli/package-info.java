/**
 * The command line, {@code java -jar memokit.jar COMMAND} ({@link io.memokit.cli.Main}): the JVM
 * options memokit needs, and a store's blocks and cells as every process sees them, with the
 * changes a user makes by hand (clear, resize, remove, a byte limit, check and repair).
 *
 * <p>Guarantees: a command works only on a store that exists, a directory holding a
 * {@code memokit.store} file or a PostgreSQL database holding memokit's schema; a path or database
 * that is not a store is refused, never created. Figures are read from the store, through the same
 * backends as the library. A password in a database URL is never shown. An error is one line on
 * standard error, {@code memokit: ...}, never a stack trace; the exit status is 0 when done, 1 on a
 * failure and 2 for a wrong command line.
 *
 * <p>Implementation package: the commands, their arguments and their output are the interface,
 * not these classes.
 */
package io.memokit.cli;
