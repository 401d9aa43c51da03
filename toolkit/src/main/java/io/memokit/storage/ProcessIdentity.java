package io.memokit.storage;

import io.memokit.function.Murmur3;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Who this process is to other processes sharing a store: its pid, its host's name, its OS user
 * and when it started; and whether a process named by pid and host may still be running. A pending slot
 * names its computing process in one word ({@link #word}): the host's 32-bit hash and the pid.
 */
public final class ProcessIdentity {

  public static final long PID = ProcessHandle.current().pid();
  public static final String HOST = hostName();
  public static final int HOST_HASH = hash(HOST);
  /** The OS user name this process reports ({@code user.name}: set by the JVM, or on its command line). */
  public static final String USER = System.getProperty("user.name", "");
  /** When this process started (epoch milliseconds; 0 if the system does not say). */
  public static final long STARTED = startOf(ProcessHandle.current());
  /** Clock granularity allowed when comparing a process's start time with a time it recorded. */
  private static final long SLACK_MILLIS = 2_000;

  private ProcessIdentity() {}

  /** This process as a slot names it: host hash in the high 32 bits, pid in the low 32 (never 0). */
  public static long word() {
    return ((long) HOST_HASH << 32) | (PID & 0xFFFF_FFFFL);
  }

  public static long pidOf(long word) {
    return word & 0xFFFF_FFFFL;
  }

  public static int hostOf(long word) {
    return (int) (word >>> 32);
  }

  /**
   * Whether process {@code pid} on {@code host}, which recorded something at {@code recordedAt}
   * (epoch ms), is this very process, not an earlier one that had its pid.
   */
  public static boolean isThisProcess(long pid, String host, long recordedAt) {
    return pid == PID && HOST.equals(host) && (STARTED == 0 || recordedAt + SLACK_MILLIS >= STARTED);
  }

  /**
   * Whether process {@code pid} of the host hashed {@code hostHash} may still be the one that
   * recorded something at {@code recordedAt} (epoch ms, 0 if unknown): {@code false} only when it
   * certainly is not (on this host: no such process, or one that started after that time, a reused pid).
   * Processes of other hosts cannot be checked from here: {@code true}.
   */
  public static boolean mayBeAlive(long pid, int hostHash, long recordedAt) {
    if (pid <= 0) return false;
    if (hostHash != HOST_HASH) return true;
    if (pid == PID) return true;
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .map(p -> recordedAt <= 0 || startOf(p) <= recordedAt + SLACK_MILLIS)
        .orElse(false);
  }

  private static long startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** A nonzero 32-bit hash of a host name (0 means "no process recorded"). */
  static int hash(String host) {
    long h = 0x9E3779B97F4A7C15L;
    for (byte b : host.getBytes(StandardCharsets.UTF_8)) h = Murmur3.fmix(h ^ (b & 0xFF));
    int folded = (int) (h ^ (h >>> 32));
    return folded == 0 ? 1 : folded;
  }

  /** The host's name, without a DNS lookup when the system provides it (a lookup can take seconds). */
  private static String hostName() {
    for (String f : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
      try {
        String s = Files.readString(Path.of(f), StandardCharsets.UTF_8).trim();
        if (!s.isEmpty()) return s;
      } catch (Exception e) {
        // not Linux, or not readable: try the next source
      }
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) return env.trim();
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
