package io.memokit.storage.directory;

import io.memokit.function.FunctionId;
import io.memokit.storage.CellHolder;
import io.memokit.storage.ProcessIdentity;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import io.memokit.storage.WaitBoard;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.apache.commons.io.FileUtils;

/**
 * A store on disk:
 * <pre>
 *   STORE/memokit.store    marker: format version, creation time, checksum
 *   STORE/counters         memory-mapped: the next cell id (atomic across processes)
 *   STORE/blocks/NAME{VERSION}(ARITY)/   one block per function identity ({@link DirectoryBlock}):
 *   STORE/blocks/NAME(ARITY)#CODE/       versioned, fingerprinted by code, or (NAME(ARITY)) by name only
 *   STORE/tmp/             files being written, named by the writing process's pid
 *   STORE/hosts/HASH       the name of a host whose processes compute cells here (slots name hosts by hash)
 *   STORE/waits/           one file per thread waiting for another process ({@link WaitBoard})
 * </pre>
 * There is one instance per canonical path in a process. Opening reads the marker and maps the
 * counters: it reads no cell.
 */
public final class DirectoryBackend implements StoreBackend {

  static final int FORMAT = 1;
  static final String MARKER = "memokit.store";
  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final Map<Path, DirectoryBackend> OPEN = new ConcurrentHashMap<>();
  /** File systems whose hosts do not share a live memory map: the index cannot be trusted there. */
  private static final java.util.regex.Pattern NETWORK_FILE_SYSTEMS =
      java.util.regex.Pattern.compile("nfs.*|cifs|smb.*|fuse.*|9p|afs|ceph|glusterfs|lustre|gpfs|beegfs|davfs|sshfs");
  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long COUNTERS_MAGIC = (0x4D4B4354L << 32) | FORMAT; // "MKCT"
  static final long PID = ProcessHandle.current().pid();

  private final Path root;
  private final Path blocksDir;
  private final Path tmpDir;
  private final Set<PosixFilePermission> dirPermissions;
  private final Set<PosixFilePermission> filePermissions;
  private final boolean chmodAfterCreate;
  private final MappedByteBuffer counters;
  private final StoreSettings settings;
  private final Map<FunctionId, DirectoryBlock> blocks = new ConcurrentHashMap<>();
  private final AtomicLong tempSequence = new AtomicLong();
  private final WaitFiles waitBoard;
  private final Map<Integer, String> hostNames = new ConcurrentHashMap<>();
  private volatile boolean hostRegistered;

  private DirectoryBackend(Path root, StoreSettings settings, Set<PosixFilePermission> dirPermissions,
                           boolean chmodAfterCreate) throws IOException {
    this.root = root;
    this.settings = settings;
    this.blocksDir = root.resolve("blocks");
    this.tmpDir = root.resolve("tmp");
    this.dirPermissions = dirPermissions;
    this.filePermissions = withoutExecute(dirPermissions);
    this.chmodAfterCreate = chmodAfterCreate;
    createDirectory(blocksDir);
    createDirectory(tmpDir);
    this.counters = openCounters();
    this.waitBoard = new WaitFiles(this, root.resolve("waits"));
    removeStaleTemporaries();
  }

  /**
   * Opens (creating if needed) the store at {@code path}. Refuses, with a message naming the path
   * and the fix: a path that is a file; a directory that is world-writable, not readable or not
   * writable; a non-empty directory that is not a memokit store; a store of a newer format; a
   * directory on a network file system. The first opening in a process gives the settings.
   */
  public static DirectoryBackend open(Path path, StoreSettings settings) {
    Path absolute = path.toAbsolutePath().normalize();
    DirectoryBackend known = OPEN.get(absolute);
    if (known != null) return known;
    try {
      if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
        throw new StoreException("store path " + absolute + " is a file, not a directory: choose a directory path");
      }
      if (!Files.exists(absolute)) {
        Files.createDirectories(absolute.getParent());
        try {
          Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(EnumSet.of(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
        } catch (FileAlreadyExistsException raced) {
          // another process created it
        }
      }
      Path real = absolute.toRealPath();
      return OPEN.computeIfAbsent(real, r -> openReal(r, settings));
    } catch (IOException e) {
      throw new StoreException("cannot open store " + absolute + ": " + describe(e), e);
    }
  }

  /**
   * Whether {@code dir} is a store: a directory holding the marker file. Reads only; for tools that
   * must not create a store where a user mistyped a path.
   */
  public static boolean holdsStore(Path dir) {
    return Files.isRegularFile(dir.resolve(MARKER));
  }

  private static DirectoryBackend openReal(Path root, StoreSettings settings) {
    try {
      String type = settings.fileSystemType().apply(root);
      if (NETWORK_FILE_SYSTEMS.matcher(type).matches()) {
        throw new StoreException("store " + root + " is on a network file system (" + type + "): a directory store "
            + "keeps its index in a memory map that processes of different hosts do not share, so it could return "
            + "stale cells there. Use a directory on a local disk, or a PostgreSQL store (store(\"jdbc:postgresql://"
            + "HOST/DB\")) to share cells between machines");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root);
      if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new StoreException("store " + root + " is world-writable (" + PosixFilePermissions.toString(perms)
            + "): anyone could make its readers deserialize chosen bytes. Run: chmod o-w " + root);
      }
      if (!Files.isReadable(root) || !Files.isExecutable(root)) {
        throw new StoreException("store " + root + " is not readable by this user (" + PosixFilePermissions.toString(perms)
            + ")");
      }
      if (!Files.isWritable(root)) {
        throw new StoreException("store " + root + " is not writable by this user (" + PosixFilePermissions.toString(perms)
            + "): memokit keeps locks and statistics in the store, so it needs write access");
      }
      checkMarker(root);
      boolean chmod = umaskStrips(root, withoutExecute(perms));
      return new DirectoryBackend(root, settings, perms, chmod);
    } catch (IOException e) {
      throw new StoreException("cannot open store " + root + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied on " + e.getMessage();
    if (e instanceof NoSuchFileException) return "no such file " + e.getMessage();
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Reads, or writes for a new store, the marker file; checks the format. */
  private static void checkMarker(Path root) throws IOException {
    Path marker = root.resolve(MARKER);
    if (!Files.exists(marker)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path p : entries) {
          String n = p.getFileName().toString();
          // Another process created the store since the check above: read its marker.
          if (n.equals(MARKER)) {
            checkMarker(root);
            return;
          }
          if (!n.equals("blocks") && !n.equals("tmp") && !n.equals("counters") && !n.equals("hosts")
              && !n.equals("waits") && !n.startsWith(".")) {
            throw new StoreException("directory " + root + " is not empty and is not a memokit store (it has no "
                + MARKER + " file, but holds " + n + "): give an empty or new directory");
          }
        }
      }
      writeMarker(root);
      return;
    }
    Optional<Integer> format = parseMarker(readText(marker));
    if (format.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "memokit: store marker " + marker + " is corrupted; rewriting it");
      writeMarker(root);
      return;
    }
    if (format.get() > FORMAT) {
      throw new StoreException("store " + root + " was written by a newer memokit (format " + format.get()
          + "); this memokit reads formats up to " + FORMAT + ": upgrade memokit, or use another store");
    }
  }

  /** A small text file's content; {@code null} if its bytes are not UTF-8 text (damaged). */
  static String readText(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  static Optional<Integer> parseMarker(String text) {
    if (text == null) return Optional.empty();
    int check = text.lastIndexOf("check=");
    if (check < 0) return Optional.empty();
    String body = text.substring(0, check);
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    if (!text.substring(check + 6).trim().equals(Long.toHexString(crc.getValue()))) return Optional.empty();
    for (String line : body.split("\n")) {
      if (line.startsWith("format=")) {
        try {
          return Optional.of(Integer.parseInt(line.substring(7).trim()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static void writeMarker(Path root) throws IOException {
    String body = "memokit store\nformat=" + FORMAT + "\ncreated=" + Instant.now() + "\n";
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    Path tmp = root.resolve("." + MARKER + "." + PID + ".tmp");
    Files.writeString(tmp, body + "check=" + Long.toHexString(crc.getValue()) + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, withoutExecute(Files.getPosixFilePermissions(root)));
    Files.move(tmp, root.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Whether this process's umask removes permissions the store's files should have. */
  private static boolean umaskStrips(Path root, Set<PosixFilePermission> wanted) throws IOException {
    Path probe = root.resolve(".perm-probe." + PID);
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe, PosixFilePermissions.asFileAttribute(wanted));
      return !Files.getPosixFilePermissions(probe).equals(wanted);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static Set<PosixFilePermission> withoutExecute(Set<PosixFilePermission> perms) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    p.addAll(perms);
    p.remove(PosixFilePermission.OWNER_EXECUTE);
    p.remove(PosixFilePermission.GROUP_EXECUTE);
    p.remove(PosixFilePermission.OTHERS_EXECUTE);
    return p;
  }

  // ---- files ----------------------------------------------------------------------------------

  FileAttribute<Set<PosixFilePermission>> fileAttribute() {
    return PosixFilePermissions.asFileAttribute(filePermissions);
  }

  /** Creates a directory with the store's permissions (no error if it exists). */
  void createDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(dirPermissions));
      if (chmodAfterCreate) Files.setPosixFilePermissions(dir, dirPermissions);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw e;
    }
  }

  /** Creates an empty file with the store's permissions (no error if it exists). */
  void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttribute());
      if (chmodAfterCreate) Files.setPosixFilePermissions(file, filePermissions);
    } catch (FileAlreadyExistsException ignored) {
      // present already
    }
  }

  /** A fresh path in the store's temporary directory, named after this process. */
  Path newTemporary(String suffix) {
    return tmpDir.resolve(PID + "-" + tempSequence.incrementAndGet() + suffix);
  }

  /**
   * Recreates the store's directories and marker if they were removed while this process uses the
   * store (by another process's clean-up, or by hand), so that it keeps working.
   */
  void ensureLayout() throws IOException {
    if (Files.isDirectory(tmpDir) && Files.isDirectory(blocksDir)) return;
    LOG.log(System.Logger.Level.WARNING, "memokit: store " + root + " lost its directories (removed while in use); "
        + "recreating them");
    Files.createDirectories(root.getParent());
    createDirectory(root);
    if (!Files.exists(root.resolve(MARKER))) writeMarker(root);
    createDirectory(blocksDir);
    createDirectory(tmpDir);
  }

  /** Writes {@code content} to a new temporary file with the store's permissions and returns it. */
  Path writeTemporary(ByteBuffer[] content) throws IOException {
    try {
      return writeTemporaryOnce(content);
    } catch (NoSuchFileException e) {
      ensureLayout();
      for (ByteBuffer b : content) b.rewind();
      return writeTemporaryOnce(content);
    }
  }

  private Path writeTemporaryOnce(ByteBuffer[] content) throws IOException {
    return writeTemporaryOnce(content, ".tmp");
  }

  private Path writeTemporaryOnce(ByteBuffer[] content, String suffix) throws IOException {
    Path tmp = newTemporary(suffix);
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        fileAttribute())) {
      long remaining = 0;
      for (ByteBuffer b : content) remaining += b.remaining();
      while (remaining > 0) remaining -= ch.write(content);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (chmodAfterCreate) Files.setPosixFilePermissions(tmp, filePermissions);
    return tmp;
  }

  /**
   * Replaces {@code target} whole with {@code bytes}: written aside in {@code tmp/} (as {@code PID-N-note},
   * not {@code .tmp}, the suffix of values being written), then renamed over it.
   */
  void replaceSmallFile(Path target, byte[] bytes) throws IOException {
    ensureLayout();
    Path tmp = writeTemporaryOnce(new ByteBuffer[] {ByteBuffer.wrap(bytes)}, "-note");
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  private void removeStaleTemporaries() {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmpDir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        int dash = n.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash > 0 ? n.substring(0, dash) : n);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != PID && ProcessHandle.of(pid).isEmpty()) FileUtils.deleteQuietly(p.toFile());
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot clean " + tmpDir + ": " + e);
    }
  }

  // ---- hosts, waits ---------------------------------------------------------------------------

  /**
   * Records this host's name under its hash, once per process (pending slots name their process's
   * host by hash only). Best effort: a store that cannot take it shows the hash instead.
   */
  void registerHost() {
    if (hostRegistered) return;
    hostRegistered = true;
    Path dir = root.resolve("hosts");
    Path file = dir.resolve(hex(ProcessIdentity.HOST_HASH));
    try {
      if (Files.exists(file)) return;
      createDirectory(dir);
      replaceSmallFile(file, ProcessIdentity.HOST.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cannot record this host's name in " + dir + ": " + e);
    }
  }

  /** The name of the host with this hash, as recorded in the store; {@code host #HASH} if unknown. */
  String hostName(int hash) {
    if (hash == ProcessIdentity.HOST_HASH) return ProcessIdentity.HOST;
    String known = hostNames.get(hash);
    if (known != null) return known;
    try {
      String name = readText(root.resolve("hosts").resolve(hex(hash)));
      if (name != null && !(name = name.trim()).isEmpty() && name.length() <= 255 && name.chars().noneMatch(Character::isISOControl)) {
        hostNames.put(hash, name);
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not recorded (yet)
    }
    return "host #" + hex(hash);
  }

  private static String hex(int hash) {
    return String.format("%08x", hash);
  }

  // ---- counters -------------------------------------------------------------------------------

  /**
   * Restores the counters file if it was truncated under this process's mapping (a fault reading
   * it): extending it back to its size makes every process's mapping readable again.
   */
  void repairCounters() {
    Path file = root.resolve("counters");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      if (ch.size() >= 64) return;
      LOG.log(System.Logger.Level.WARNING, "memokit: " + file + " was truncated; restoring it");
      ch.write(ByteBuffer.allocate((int) (64 - ch.size())), ch.size());
      LONGS.setVolatile(counters, 8, highestCellId());
      LONGS.setVolatile(counters, 16, SlotTable.mix(COUNTERS_MAGIC));
      LONGS.setVolatile(counters, 0, COUNTERS_MAGIC);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot restore " + file + ": " + e);
    }
  }

  private MappedByteBuffer openCounters() throws IOException {
    Path file = root.resolve("counters");
    createFile(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() < 64) ch.write(ByteBuffer.allocate((int) (64 - ch.size())), ch.size()); // real blocks, not sparse
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 64);
      long magic = (long) LONGS.getVolatile(m, 0);
      if (magic == 0) {
        LONGS.compareAndSet(m, 16, 0L, SlotTable.mix(COUNTERS_MAGIC));
        LONGS.compareAndSet(m, 0, 0L, COUNTERS_MAGIC);
      } else if (magic != COUNTERS_MAGIC || (long) LONGS.get(m, 16) != SlotTable.mix(COUNTERS_MAGIC)
          || (long) LONGS.get(m, 8) < 0) {
        LOG.log(System.Logger.Level.WARNING, "memokit: " + file + " is corrupted; cell numbering restarts after "
            + "the highest number in use");
        LONGS.setVolatile(m, 8, highestCellId());
        LONGS.setVolatile(m, 16, SlotTable.mix(COUNTERS_MAGIC));
        LONGS.setVolatile(m, 0, COUNTERS_MAGIC);
      }
      return m;
    }
  }

  private long highestCellId() {
    long highest = 0;
    for (DirectoryBlock b : openBlocks()) highest = Math.max(highest, b.highestId());
    return highest;
  }

  /** The next cell number: unique in the store, shown in traces, the same in every process. */
  long nextCellId() {
    return (long) LONGS.getAndAdd(counters, 8, 1L) + 1;
  }

  // ---- the store's byte limit ----------------------------------------------------------------
  // counters: 24 the limit (0: none), 32 its check word. The bytes of the cells are the sum of the
  // blocks' own counts (each index counts its finished cells), never a store-wide counter that a
  // block removed by hand or rebuilt would leave wrong.

  private static final int C_LIMIT = 24, C_LIMIT_CHECK = 32;
  /** An evicting pass brings the store this far under its limit, so that one pass serves many misses. */
  private static final double LIMIT_MARGIN = 0.95;
  /** How long this process trusts its list of the store's blocks when it sums their bytes. */
  private static final long BLOCK_LIST_NANOS = 1_000_000_000L;
  private final Object enforcing = new Object();
  private volatile List<DirectoryBlock> knownBlocks = List.of();
  private volatile long knownBlocksAt;

  /** The blocks of the store, listed at most once a second (blocks other processes create show up within it). */
  private List<DirectoryBlock> recentBlocks() {
    long now = System.nanoTime();
    if (knownBlocksAt == 0 || now - knownBlocksAt > BLOCK_LIST_NANOS) {
      knownBlocks = openBlocks();
      knownBlocksAt = now;
    }
    return knownBlocks;
  }

  /** The bytes of every block's finished cells, as their indexes count them. */
  long cellBytes() {
    long total = 0;
    for (DirectoryBlock b : recentBlocks()) total += b.indexedBytes();
    return total;
  }

  @Override
  public long byteLimit() {
    long limit = (long) LONGS.getVolatile(counters, C_LIMIT);
    return limit > 0 && (long) LONGS.getVolatile(counters, C_LIMIT_CHECK) == SlotTable.mix(limit ^ COUNTERS_MAGIC)
        ? limit : 0;
  }

  @Override
  public int limitBytes(long maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("the byte limit must be 0 (none) or more, got " + maxBytes);
    LONGS.setVolatile(counters, C_LIMIT_CHECK, SlotTable.mix(maxBytes ^ COUNTERS_MAGIC));
    LONGS.setVolatile(counters, C_LIMIT, maxBytes);
    return enforceByteLimit();
  }

  /**
   * When the store's cells take more than its byte limit, evicts the least recently hit finished
   * cells of any block until they take {@value #LIMIT_MARGIN} of it. Each block is visited under
   * its own admin lock, one at a time (never two at once), and a cell is evicted only if its slot
   * still holds it. Returns how many cells were evicted.
   */
  int enforceByteLimit() {
    try {
      return enforceByteLimitOnce();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot keep store " + root + " under its byte limit: " + e);
      return 0;
    }
  }

  private int enforceByteLimitOnce() {
    long limit = byteLimit();
    if (limit == 0 || cellBytes() <= limit) return 0;
    synchronized (enforcing) {
      List<DirectoryBlock> all = openBlocks();
      knownBlocks = all;
      knownBlocksAt = System.nanoTime();
      List<DirectoryBlock.Candidate> candidates = new ArrayList<>();
      long total = 0;
      for (DirectoryBlock b : all) total += b.evictionCandidates(candidates);
      if (total <= limit) return 0;
      candidates.sort(Comparator.comparingLong(DirectoryBlock.Candidate::lastHit));
      long target = (long) (limit * LIMIT_MARGIN);
      int evicted = 0;
      for (DirectoryBlock.Candidate c : candidates) {
        if (total <= target) break;
        long freed = c.block().evictIfStillHeld(c);
        if (freed > 0) {
          total -= freed;
          evicted++;
        }
      }
      if (evicted > 0) {
        LOG.log(System.Logger.Level.DEBUG, "memokit: store " + root + " passed its limit of " + limit + " bytes; "
            + "evicted the " + evicted + " least recently hit cells");
      }
      return evicted;
    }
  }

  // ---- blocks ---------------------------------------------------------------------------------

  StoreSettings settings() {
    return settings;
  }

  @Override
  public String location() {
    return root.toString();
  }

  /** The store's directory. */
  public Path path() {
    return root;
  }

  @Override
  public DirectoryBlock block(FunctionId id) {
    DirectoryBlock b = blocks.get(id);
    if (b != null) return b;
    return blocks.computeIfAbsent(id, k -> {
      try {
        return DirectoryBlock.open(this, k, blocksDir.resolve(k.directoryName()));
      } catch (IOException e) {
        throw new StoreException("cannot open block " + k.label() + " in store " + root + ": " + describe(e), e);
      }
    });
  }

  @Override
  public List<FunctionId> blockIds() {
    List<FunctionId> ids = new ArrayList<>();
    try {
      ensureLayout();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(blocksDir)) {
        for (Path p : entries) {
          Optional<FunctionId> id = FunctionId.fromDirectoryName(p.getFileName().toString());
          if (id.isPresent() && Files.isDirectory(p)) ids.add(id.get());
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list blocks of store " + root + ": " + describe(e), e);
    }
    ids.sort(Comparator.comparing(FunctionId::label));
    return ids;
  }

  private List<DirectoryBlock> openBlocks() {
    List<DirectoryBlock> result = new ArrayList<>();
    for (FunctionId id : blockIds()) result.add(block(id));
    return result;
  }

  /**
   * Deletes a block's directory, cells and statistics: renamed out of {@code blocks/} first, so no
   * process sees half of it (a process still using the block starts it anew, empty).
   */
  @Override
  public void removeBlock(FunctionId id) {
    DirectoryBlock b = block(id);
    Path trash = newTemporary("-removed-" + b.directory().getFileName());
    try {
      b.retire(); // first: processes that remember its cells stop answering them from memory
      Files.move(b.directory(), trash, StandardCopyOption.ATOMIC_MOVE);
      blocks.remove(b.id(), b);
      b.close();
      FileUtils.deleteDirectory(trash.toFile());
      LOG.log(System.Logger.Level.INFO, "memokit: removed block " + b.id().describe() + " from " + root);
    } catch (IOException e) {
      throw new StoreException("cannot remove block " + b.id().label() + " from " + root + ": " + describe(e), e);
    }
  }

  @Override
  public long bytes() {
    ensureLayoutQuietly();
    try (var files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException gone) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new StoreException("cannot measure store " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public WaitBoard waitBoard() {
    return waitBoard;
  }

  /** Who computes the cell {@code ref} names, as its block's index says; {@code null} if nobody visibly does. */
  @Override
  public CellHolder holderOf(WaitBoard.CellRef ref) {
    Optional<FunctionId> id = FunctionId.fromDirectoryName(ref.block());
    if (id.isEmpty() || !Files.isDirectory(blocksDir.resolve(ref.block()))) return null;
    try {
      return block(id.get()).holder(ref.keyHi(), ref.keyLo());
    } catch (StoreException e) {
      return null;
    }
  }

  @Override
  public List<String> check(boolean fix) {
    List<String> problems = new ArrayList<>();
    if (parseMarker(readQuietly(root.resolve(MARKER))).isEmpty()) {
      problems.add(root.resolve(MARKER) + ": missing or damaged" + (fix ? " (rewritten)" : ""));
      if (fix) {
        try {
          writeMarker(root);
        } catch (IOException e) {
          problems.add(root.resolve(MARKER) + ": cannot rewrite it: " + e);
        }
      }
    }
    for (DirectoryBlock b : openBlocks()) problems.addAll(b.check(fix));
    return problems;
  }

  private void ensureLayoutQuietly() {
    try {
      ensureLayout();
    } catch (IOException e) {
      // measured as it is
    }
  }

  private static String readQuietly(Path file) {
    try {
      return readText(file);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "DirectoryBackend[" + root + "]";
  }
}
