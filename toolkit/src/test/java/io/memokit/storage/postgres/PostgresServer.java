package io.memokit.storage.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * A real PostgreSQL server for the tests, from the machine's Debian packages: {@code initdb} and
 * {@code pg_ctl} in a temporary directory, listening on 127.0.0.1 at a free port, with a superuser
 * {@code memokit} whose password is random (so that the tests see URLs with passwords), and
 * {@code pg_stat_statements} loaded (tests count the statements a process sends). One server
 * per test JVM, started on first use and stopped when the JVM exits; each test takes a fresh database.
 *
 * <p>PostgreSQL refuses to run as root. When the tests run as root, the server runs as the
 * unprivileged user {@code postgres} (which Debian's package creates), or else as {@code memokit-pg},
 * created here with {@code useradd}; commands run as that user through {@code runuser}. A server
 * left by a test JVM that was killed is stopped by the next one.
 *
 * <p>Anything missing makes the tests fail, never skip: {@link #get} throws an {@link AssertionError}
 * saying what is missing and how to get it.
 */
public final class PostgresServer implements AutoCloseable {

  /** Versions tried, newest first after the one the tests are written for. */
  private static final String PREFERRED_VERSION = "15";
  private static final String DIR_PREFIX = "memokit-pg-";
  private static final String SUPERUSER = "memokit";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static PostgresServer instance;
  private static AssertionError failure;

  private final Path dir;
  private final Path bin;
  private final String osUser;
  private final int port;
  private final String password;
  /** The hook that stops the server when the JVM exits (unregistered by {@link #close}). */
  private Thread stopAtExit;

  private PostgresServer(Path dir, Path bin, String osUser, int port, String password) {
    this.dir = dir;
    this.bin = bin;
    this.osUser = osUser;
    this.port = port;
    this.password = password;
  }

  /** What a server is started with beyond the defaults. */
  private record Options(List<String> listenAddresses, List<String> clientNets) {}

  /** The server, started on first use; fails the calling test if it cannot be started. */
  public static synchronized PostgresServer get() {
    if (failure != null) throw failure;
    if (instance == null) {
      try {
        instance = start(new Options(List.of("127.0.0.1"), List.of()));
      } catch (Exception | AssertionError e) {
        failure = new AssertionError("cannot start a PostgreSQL server for the tests: " + e.getMessage(), e);
        throw failure;
      }
    }
    return instance;
  }

  /**
   * A server of the calling test's own, not shared: listening on 127.0.0.1 and on {@code address}
   * (which must exist on this host), accepting password logins from the network {@code clientNet}
   * (CIDR, e.g. {@code 10.213.7.0/30}). {@link #close} stops it and deletes its directory (as does
   * the JVM's exit).
   */
  public static PostgresServer startOwn(String address, String clientNet) {
    try {
      return start(new Options(List.of("127.0.0.1", address), List.of(clientNet)));
    } catch (Exception | AssertionError e) {
      throw new AssertionError("cannot start a PostgreSQL server for the test: " + e.getMessage(), e);
    }
  }

  /** Stops a server of a test's own ({@link #startOwn}). */
  @Override
  public void close() {
    if (this == instance) throw new IllegalStateException("the shared server is stopped when the JVM exits");
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException exiting) {
      return; // the hook stops it
    }
    stop();
  }

  public int port() {
    return port;
  }

  /** The superuser's name: the role {@link #url(String)} connects as. */
  public String user() {
    return SUPERUSER;
  }

  /** The superuser's JDBC URL of {@code database} (with its password). */
  public String url(String database) {
    return url(database, SUPERUSER, password);
  }

  public String url(String database, String user, String userPassword) {
    return urlAt("127.0.0.1", database, user, userPassword);
  }

  /** The superuser's JDBC URL of {@code database} through the server's address {@code host} (see {@link #startOwn}). */
  public String urlAt(String host, String database) {
    return urlAt(host, database, SUPERUSER, password);
  }

  private String urlAt(String host, String database, String user, String userPassword) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + user + "&password=" + userPassword;
  }

  public String password() {
    return password;
  }

  /** A superuser connection to {@code database}. */
  public Connection admin(String database) throws SQLException {
    Connection c = new org.postgresql.Driver().connect(url(database), new Properties());
    if (c == null) throw new SQLException("the driver refused " + url(database));
    return c;
  }

  /** A new, empty database. */
  public String createDatabase() throws SQLException {
    return createDatabase("template1");
  }

  /** A new database, a copy of {@code template} (a database no session is connected to). */
  public String createDatabase(String template) throws SQLException {
    String name = "memokit_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
    }
    return name;
  }

  /** Drops {@code database}, ending its sessions. */
  public void dropDatabase(String database) throws SQLException {
    try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  // ---- starting and stopping ------------------------------------------------------------------

  private static PostgresServer start(Options options) throws IOException, InterruptedException {
    Path bin = findBinaries();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    stopAbandoned(tmp);
    String osUser = isRoot() ? unprivilegedUser() : null;
    Path dir = Files.createTempDirectory(tmp, DIR_PREFIX + ProcessHandle.current().pid() + "-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    PostgresServer server = null;
    try {
      Path pw = dir.resolve("pw");
      Files.writeString(pw, password + "\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
      if (osUser != null) {
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
        Files.setOwner(dir, owner);
        Files.setOwner(pw, owner);
      }
      int port = freePort();
      server = new PostgresServer(dir, bin, osUser, port, password);
      server.run(60, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
          "--pwfile=" + pw, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync");
      Files.delete(pw);
      if (!options.clientNets().isEmpty()) {
        StringBuilder hba = new StringBuilder("\n# memokit tests: logins through the test's own network\n");
        for (String net : options.clientNets()) hba.append("host all all ").append(net).append(" scram-sha-256\n");
        Files.writeString(dir.resolve("data").resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.APPEND);
      }
      server.run(60, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
          dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
          "-c port=" + port + " -c listen_addresses=" + String.join(",", options.listenAddresses())
              + " -c unix_socket_directories=" + dir
              + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
              + " -c max_connections=100 -c shared_preload_libraries=pg_stat_statements", "start");
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (server != null) server.stop();
      else FileUtils.deleteQuietly(dir.toFile());
      throw e;
    }
    PostgresServer started = server;
    started.stopAtExit = new Thread(started::stop, "memokit-test-postgres-stop");
    Runtime.getRuntime().addShutdownHook(started.stopAtExit);
    return started;
  }

  /** Stops the server and deletes its directory. */
  private void stop() {
    try {
      if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
        run(60, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
      }
    } catch (IOException | RuntimeException | InterruptedException e) {
      System.err.println("memokit tests: cannot stop the PostgreSQL server in " + dir + ": " + e.getMessage());
    }
    FileUtils.deleteQuietly(dir.toFile());
  }

  /**
   * Stops the servers of test JVMs that died without stopping theirs (killed): a directory
   * {@code memokit-pg-PID-...} whose JVM is gone.
   */
  private static void stopAbandoned(Path tmp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
      for (Path d : dirs) {
        String rest = d.getFileName().toString().substring(DIR_PREFIX.length());
        long pid;
        try {
          pid = Long.parseLong(rest.substring(0, rest.indexOf('-')));
        } catch (RuntimeException notOurs) {
          continue;
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
        String owner = Files.getOwner(d).getName();
        PostgresServer old = new PostgresServer(d, findBinaries(), isRoot() && !owner.equals("root") ? owner : null, 0, "");
        old.stop();
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("memokit tests: cannot clean up old PostgreSQL servers in " + tmp + ": " + e.getMessage());
    }
  }

  /** Runs a command (as the unprivileged user when root) in the server's directory; throws with its output if it fails. */
  private void run(int timeoutSeconds, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (osUser != null) cmd.addAll(List.of(runuser(), "-u", osUser, "--"));
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    Path out = Files.createTempFile("memokit-pg-command", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s" + logTail());
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n"
            + Files.readString(out, StandardCharsets.UTF_8) + logTail());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private String logTail() {
    Path log = dir.resolve("server.log");
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\nserver log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  // ---- what the machine must have -------------------------------------------------------------

  /** The directory of initdb, pg_ctl and postgres: Debian's for PostgreSQL 15, another version's, or PATH's. */
  private static Path findBinaries() throws IOException {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("/usr/lib/postgresql", PREFERRED_VERSION, "bin"));
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> s = Files.list(versions)) {
        s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
            .forEach(p -> candidates.add(p.resolve("bin")));
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) candidates.add(Path.of(dir));
    }
    for (Path dir : candidates) {
      Path pgCtl = dir.resolve("pg_ctl");
      if (Files.isExecutable(pgCtl)) {
        Path real = pgCtl.toRealPath().getParent();
        if (Files.isExecutable(real.resolve("initdb")) && Files.isExecutable(real.resolve("postgres"))) return real;
      }
    }
    throw new IOException("no PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/"
        + PREFERRED_VERSION + "/bin, /usr/lib/postgresql/*/bin or on PATH: install Debian's PostgreSQL server "
        + "(apt-get install postgresql-" + PREFERRED_VERSION + ")");
  }

  private static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The unprivileged user the server runs as when the tests run as root: {@code postgres}, else one created here. */
  private static String unprivilegedUser() throws IOException, InterruptedException {
    for (String user : List.of("postgres", "memokit-pg")) {
      if (userExists(user)) return user;
    }
    String user = "memokit-pg";
    Path useradd = Stream.of("/usr/sbin/useradd", "/sbin/useradd").map(Path::of).filter(Files::isExecutable)
        .findFirst().orElseThrow(() -> new IOException("PostgreSQL refuses to run as root, and this machine has no "
            + "user postgres and no useradd to create one: install the postgresql-" + PREFERRED_VERSION
            + " package (it creates postgres) or run the tests as an unprivileged user"));
    Process p = new ProcessBuilder(useradd.toString(), "--system", "--user-group", "--no-create-home",
        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0 && !userExists(user)) {
      throw new IOException("PostgreSQL refuses to run as root, this machine has no user postgres, and "
          + "useradd could not create " + user + ": " + out.trim());
    }
    return user;
  }

  private static boolean userExists(String user) {
    try {
      java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String runuser() throws IOException {
    return Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser").filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst().orElseThrow(() -> new IOException("the tests run as root, and PostgreSQL refuses root; "
            + "runuser (util-linux) is needed to run it as an unprivileged user, and is missing"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
