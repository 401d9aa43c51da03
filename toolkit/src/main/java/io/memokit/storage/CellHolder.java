package io.memokit.storage;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The process computing a cell, as the cell's pending slot names it: pid, host and the time it
 * began computing. Read while the cell's lock is held by someone; {@link #trusted} says whether
 * the named process may still be the one holding it (a dead holder's slot is not believed).
 */
public record CellHolder(long cellId, long pid, int hostHash, String host, long since) {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  /** Whether the slot names a process at all (a slot written by an older memokit does not). */
  public boolean known() {
    return pid > 0 && hostHash != 0;
  }

  /** Whether the named process may still be computing the cell (not certainly dead, pid not reused). */
  public boolean trusted() {
    return known() && ProcessIdentity.mayBeAlive(pid, hostHash, since);
  }

  /** Whether it names this very process. */
  public boolean isThisProcess() {
    return pid == ProcessIdentity.PID && hostHash == ProcessIdentity.HOST_HASH;
  }

  /** {@code proc 4711 on host-a}, or {@code another process} when unknown. */
  public String process() {
    return known() ? "proc " + pid + " on " + host : "another process";
  }

  /** {@code proc 4711 on host-a since 14:32:13}. */
  public String describe() {
    return known() ? process() + " since " + CLOCK.format(Instant.ofEpochMilli(since)) : process();
  }
}
