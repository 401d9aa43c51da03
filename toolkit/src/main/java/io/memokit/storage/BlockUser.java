package io.memokit.storage;

/**
 * A running process that uses a block (it opened it to call its function): named by its pid and
 * host, as traces name processes. A block in use is kept by {@code clearObsolete()} and the CLI's
 * removals; the use ends with its process, however it ends.
 */
public record BlockUser(long pid, String host) {

  /** {@code proc P on HOST}; a user whose pid is unknown (0) by what is known of it. */
  @Override
  public String toString() {
    return pid > 0 ? "proc " + pid + " on " + host : host;
  }
}
