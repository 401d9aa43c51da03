package io.memokit.storage;

import io.memokit.function.FunctionId;

/**
 * Where a finished cell came from, as its backend recorded it when the cell was stored; the API
 * shows it as {@code io.memokit.CellOrigin}. A text nothing was recorded for is empty.
 *
 * @param user          who stored it: the database role of the storing session, which the server
 *                      sets (PostgreSQL), or the OS user name the storing process reported (directory)
 * @param fileOwner     the owner of the cell's own file as the file system reports it (directory
 *                      store, a record too large for the block's values log); empty otherwise
 * @param host          the storing process's host name, as it reported it
 * @param pid           its process id; 0 when unknown
 * @param writtenMillis when it stored the cell, by its clock (epoch milliseconds); 0 when unknown
 * @param jdk           its JDK's {@code Runtime.version()}
 * @param memokit       its memokit's version ({@link MemokitVersion})
 * @param code          the code that computed the cell, as {@link #codeOf} words it
 */
public record Provenance(String user, String fileOwner, String host, long pid, long writtenMillis, String jdk,
                         String memokit, String code) {

  /** Nothing recorded: a cell stored by an earlier memokit, or one still being computed. */
  public static final Provenance UNKNOWN = new Provenance("", "", "", 0, 0, "", "", "");

  /** The longest text recorded, in characters; a longer one is cut (a cell's record stays small). */
  public static final int MAX_TEXT = 200;

  private static final String JDK = Runtime.version().toString();

  public Provenance {
    user = bounded(user);
    fileOwner = bounded(fileOwner);
    host = bounded(host);
    jdk = bounded(jdk);
    memokit = bounded(memokit);
    code = bounded(code);
  }

  private static String bounded(String s) {
    if (s == null) return "";
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }

  /**
   * This process storing a cell computed by {@code code} at {@code writtenMillis}, as {@code user}
   * (empty where the store itself establishes who stores it): its host, pid, JDK and memokit version.
   */
  public static Provenance ofThisProcess(String user, long writtenMillis, String code) {
    return new Provenance(user, "", ProcessIdentity.HOST, ProcessIdentity.PID, writtenMillis, JDK,
        MemokitVersion.get(), code);
  }

  /**
   * What a cell records of the code that computed it: the function's code fingerprint whenever
   * memokit could read its code, also for a versioned function (whose version, not its code, keys its
   * cells: the fingerprint tells which code of that version computed one); else {@code version V}
   * for a versioned function; empty for a function keyed by its name only.
   */
  public static String codeOf(FunctionId id, String fingerprint) {
    if (fingerprint != null && !fingerprint.isEmpty()) return fingerprint;
    return id.version().isEmpty() ? "" : "version " + id.version();
  }

  /** Whether anything was recorded. */
  public boolean isKnown() {
    // Component by component, not equals(UNKNOWN): a record's own equals is made by a method-handle
    // bootstrap at its first call, which spins classes in a new JVM (listing cells calls this).
    return !(pid == 0 && writtenMillis == 0 && user.isEmpty() && fileOwner.isEmpty() && host.isEmpty() && jdk.isEmpty()
        && memokit.isEmpty() && code.isEmpty());
  }

  /** This provenance, with the owner of the cell's own file. */
  public Provenance withFileOwner(String owner) {
    return new Provenance(user, owner, host, pid, writtenMillis, jdk, memokit, code);
  }
}
