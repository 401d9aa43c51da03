package io.memokit.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A network namespace of a test's own, joined to this host by a veth pair on a /30 of
 * {@code 10.213.0.0/16} that no interface of the host uses: the host's end {@code .1}, the
 * namespace's {@code .2}. A process started with {@link #prefix()} runs in the namespace and reaches
 * this host only through the pair, so {@link #cut()} (the host's end down) cuts it off as a pulled
 * cable would, and {@link #restore()} brings it back. {@link #close()} deletes both.
 *
 * <p>Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and iproute2's {@code ip}. When either is missing,
 * {@link #create()} fails the test with the reason: never a skip.
 */
final class NetworkNamespace implements AutoCloseable {

  private static final AtomicInteger CREATED = new AtomicInteger();

  private final String ip;
  private final String name;
  private final String hostEnd;
  private final String subnet;
  private final String hostAddress;
  private final String innerAddress;

  private NetworkNamespace(String ip, String name, String hostEnd, String subnet, String hostAddress, String innerAddress) {
    this.ip = ip;
    this.name = name;
    this.hostEnd = hostEnd;
    this.subnet = subnet;
    this.hostAddress = hostAddress;
    this.innerAddress = innerAddress;
  }

  /** A new namespace joined to this host; fails (AssertionError) saying why if this machine cannot make one. */
  static NetworkNamespace create() throws IOException, InterruptedException {
    if (!isRoot()) {
      throw new AssertionError("a network namespace needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN): these tests run as "
          + System.getProperty("user.name") + "; run them as root (CI does)");
    }
    String ip = Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst().orElseThrow(() -> new AssertionError("a network namespace needs iproute2's ip, which is missing: "
            + "apt-get install iproute2"));
    int n = CREATED.incrementAndGet();
    long pid = ProcessHandle.current().pid();
    String name = "memokit-cut-" + pid + "-" + n;
    String tag = Long.toString(pid % 100_000) + (char) ('a' + n % 26); // interface names: at most 15 characters
    String hostEnd = "mkc" + tag + "h";
    String innerEnd = "mkc" + tag + "n";
    String prefix = freeSubnet(ip, pid + n);
    NetworkNamespace ns = new NetworkNamespace(ip, name, hostEnd, prefix + "0/30", prefix + "1", prefix + "2");
    try {
      ns.ip("netns", "add", name);
      ns.ip("link", "add", hostEnd, "type", "veth", "peer", "name", innerEnd);
      ns.ip("link", "set", innerEnd, "netns", name);
      ns.ip("addr", "add", ns.hostAddress + "/30", "dev", hostEnd);
      ns.ip("link", "set", hostEnd, "up");
      ns.ip("-n", name, "addr", "add", ns.innerAddress + "/30", "dev", innerEnd);
      ns.ip("-n", name, "link", "set", innerEnd, "up");
      ns.ip("-n", name, "link", "set", "lo", "up");
    } catch (IOException | RuntimeException | Error e) {
      ns.close();
      throw new AssertionError("cannot make a network namespace for the test: " + e.getMessage(), e);
    }
    return ns;
  }

  /** A /30 of 10.213.0.0/16 (as {@code 10.213.X.Y.}, its last byte to be appended) that no address of this host is in. */
  private static String freeSubnet(String ip, long seed) throws IOException, InterruptedException {
    String used = run(List.of(ip, "-4", "-o", "addr", "show")) + run(List.of(ip, "-4", "route", "show", "table", "all"));
    for (int i = 0; i < 250; i++) {
      long x = (seed + i) % 250;
      String candidate = "10.213." + x + ".";
      if (!used.contains(candidate)) return candidate;
    }
    throw new IOException("every 10.213.X.0/24 is in use on this host");
  }

  /** The namespace's name. */
  String name() {
    return name;
  }

  /** The host's end of the pair: where a process in the namespace reaches this host. */
  String hostAddress() {
    return hostAddress;
  }

  /** The pair's network, as CIDR. */
  String subnet() {
    return subnet;
  }

  /** The command prefix that runs a program in the namespace. */
  List<String> prefix() {
    return List.of(ip, "netns", "exec", name);
  }

  /** Takes the host's end of the pair down: nothing passes between the namespace and the host. */
  void cut() throws IOException, InterruptedException {
    ip("link", "set", hostEnd, "down");
  }

  /** Brings the host's end of the pair up again. */
  void restore() throws IOException, InterruptedException {
    ip("link", "set", hostEnd, "up");
  }

  private void ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ip));
    cmd.addAll(List.of(args));
    run(cmd);
  }

  /** Runs a command; returns its output, or throws with it if it fails. */
  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish within 30 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.strip());
    }
    return out;
  }

  private static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Deletes the pair and the namespace (what does not exist is skipped); never throws. */
  @Override
  public void close() {
    for (List<String> cmd : List.of(List.of(ip, "link", "del", hostEnd), List.of(ip, "netns", "del", name))) {
      try {
        run(cmd);
      } catch (IOException | InterruptedException e) {
        if (!e.getMessage().contains("Cannot find device") && !e.getMessage().contains("No such file")) {
          System.err.println("NetworkNamespace: " + e.getMessage());
        }
      }
    }
  }
}
