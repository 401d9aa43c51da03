package io.memokit;

import java.time.Instant;

/**
 * Where a stored cell came from: who stored it, which process of which host, when, with which JDK
 * and memokit, and which code computed it. Recorded once, when the cell is stored.
 *
 * <p>What the store establishes, and what the storing process says of itself: on a PostgreSQL
 * store, {@code user} is the database role of the session that stored the cell, set by the server
 * (no process can name another role). On a directory store, {@code user} is the OS user name the
 * storing process reported ({@code user.name}, which a process may set as it likes), and
 * {@code fileOwner}, for a cell kept in a file of its own (a value too large for its block's shared
 * log), is that file's owner as the file system reports it, which no process chooses; listings name
 * it as the {@link #writer()}. Every other field is the storing process's own word.
 *
 * @param user      who stored it: the database role, or the OS user name the process reported
 * @param fileOwner the owner of the cell's own file (directory store); empty otherwise
 * @param host      the storing process's host name
 * @param pid       its process id
 * @param written   when it stored the cell, by its clock
 * @param jdk       its JDK's version ({@code Runtime.version()})
 * @param memokit   its memokit's version ({@link Memo#memokitVersion()})
 * @param code      the code fingerprint (16 hex digits) of the function that computed it, whenever
 *                  memokit could read its code, a versioned function's too (though its version, not
 *                  its code, keys its cells); else {@code version V}; empty for a function keyed by
 *                  its name only
 */
public record CellOrigin(String user, String fileOwner, String host, long pid, Instant written, String jdk,
                         String memokit, String code) {

  /** Nothing recorded: a cell stored by an earlier memokit, or one still being computed. */
  public static final CellOrigin UNKNOWN = new CellOrigin("", "", "", 0, Instant.EPOCH, "", "", "");

  /** Whether the store recorded where the cell came from. */
  public boolean isKnown() {
    return !equals(UNKNOWN);
  }

  /**
   * Who stored it, as listings name the writer: the owner of the cell's own file when it has one
   * (the file system's word, which outweighs the process's), else {@code user}.
   */
  public String writer() {
    return fileOwner.isEmpty() ? user : fileOwner;
  }
}
