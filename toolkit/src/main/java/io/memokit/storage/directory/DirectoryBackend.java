package io.memokit.storage.directory;

import io.memokit.function.FunctionId;
import io.memokit.storage.CellHolder;
import io.memokit.storage.BlockUser;
import io.memokit.storage.StoreBackend;
import io.memokit.storage.StoreException;
import io.memokit.storage.StoreSettings;
import io.memokit.storage.WaitBoard;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.io.FileUtils;

/**
 * A store on disk, laid out as {@link StoreLayout} says (a block's files as {@link BlockFiles} says).
 * There is one instance per canonical path in a process. Opening reads the marker
 * ({@link StoreMarker}) and maps the counters ({@link StoreCounters}): it reads no cell. Files are
 * made by {@link StoreFiles}; host names kept by {@link HostNames}.
 */
public final class DirectoryBackend implements StoreBackend {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final Map<Path, DirectoryBackend> OPEN = new ConcurrentHashMap<>();
  /** File systems whose hosts do not share a live memory map: the index cannot be trusted there. */
  private static final java.util.regex.Pattern NETWORK_FILE_SYSTEMS =
      java.util.regex.Pattern.compile("nfs.*|cifs|smb.*|fuse.*|9p|afs|ceph|glusterfs|lustre|gpfs|beegfs|davfs|sshfs");

  private final Path root;
  private final Path blocksDir;
  private final StoreSettings settings;
  private final StoreFiles files;
  private final StoreCounters counters;
  private final HostNames hosts;
  private final Map<FunctionId, DirectoryBlock> blocks = new ConcurrentHashMap<>();
  private final WaitFiles waitBoard;
  private final ProcessUses uses;
  private final StoreByteLimit byteLimit;
  private final String otherWriters;

  private DirectoryBackend(Path root, StoreSettings settings, Set<PosixFilePermission> dirPermissions,
                           boolean chmodAfterCreate) throws IOException {
    this.root = root;
    this.otherWriters = OtherWriters.of(root);
    this.settings = settings;
    this.files = new StoreFiles(root, dirPermissions, chmodAfterCreate);
    this.blocksDir = files.blocksDirectory();
    files.prepare();
    this.counters = new StoreCounters(root, files, this::highestCellId);
    this.hosts = new HostNames(root, files);
    this.waitBoard = new WaitFiles(files, root.resolve(StoreLayout.WAITS));
    this.uses = new ProcessUses(files, root.resolve(StoreLayout.USES));
    this.byteLimit = new StoreByteLimit(root, counters, this::openBlocks, settings.ticker());
  }

  /**
   * The directory a store location names, read as a shell would: a leading {@code ~} or {@code ~/}
   * is the user's home; {@code ~user} is refused ({@link IllegalArgumentException}).
   */
  public static Path path(String location) {
    return StorePath.expanded(location);
  }

  /**
   * Opens (creating if needed) the store at {@code path}. Refuses, with a message naming the path
   * and the fix: a path that is a file, or lies under one; a directory that is world-writable, not readable or not
   * writable; a non-empty directory that is not a memokit store; a store of a newer format; a
   * directory on a network file system. The first opening in a process gives the settings.
   */
  public static DirectoryBackend open(Path path, StoreSettings settings) {
    Path absolute = path.toAbsolutePath().normalize();
    DirectoryBackend known = OPEN.get(absolute);
    if (known != null) return known;
    try {
      StorePath.refuseFileInTheWay(absolute);
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
   * must not create a store where a user mistyped a path. A path that is a file, or lies under one,
   * is refused in words ({@link StoreException}).
   */
  public static boolean holdsStore(Path dir) {
    StorePath.refuseFileInTheWay(dir.toAbsolutePath().normalize());
    return Files.isRegularFile(dir.resolve(StoreMarker.NAME));
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
      StoreMarker.check(root);
      boolean chmod = StoreFiles.umaskStrips(root, StoreFiles.withoutExecute(perms));
      return new DirectoryBackend(root, settings, perms, chmod);
    } catch (IOException e) {
      throw new StoreException("cannot open store " + root + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied on " + e.getMessage();
    if (e instanceof NoSuchFileException) return "no such file " + e.getMessage();
    if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
      return ((FileSystemException) e).getFile() + " is a file, not a directory"; // made since the path was checked
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  // ---- the store's byte limit ----------------------------------------------------------------

  @Override
  public long byteLimit() {
    return counters.byteLimit();
  }

  @Override
  public int limitBytes(long maxBytes) {
    counters.setByteLimit(maxBytes);
    return enforceByteLimit();
  }

  /** Evicts the least recently hit cells of any block if the store is over its byte limit; returns how many. */
  int enforceByteLimit() {
    return byteLimit.enforce();
  }

  // ---- blocks ---------------------------------------------------------------------------------

  StoreSettings settings() {
    return settings;
  }

  StoreFiles files() {
    return files;
  }

  StoreCounters counters() {
    return counters;
  }

  HostNames hosts() {
    return hosts;
  }

  private long highestCellId() {
    long highest = 0;
    for (DirectoryBlock b : openBlocks()) highest = Math.max(highest, b.highestId());
    return highest;
  }

  @Override
  public String otherWriters() {
    return otherWriters;
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
        return DirectoryBlock.open(this, k, blocksDir.resolve(k.storedName()));
      } catch (IOException e) {
        throw new StoreException("cannot open block " + k.label() + " in store " + root + ": " + describe(e), e);
      }
    });
  }

  @Override
  public List<FunctionId> blockIds() {
    List<FunctionId> ids = new ArrayList<>();
    try {
      files.ensureLayout();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(blocksDir)) {
        for (Path p : entries) {
          Optional<FunctionId> id = FunctionId.fromStoredName(p.getFileName().toString());
          if (id.isPresent() && Files.isDirectory(p)) ids.add(id.get());
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list blocks of store " + root + ": " + describe(e), e);
    }
    ids.sort(Comparator.comparing(FunctionId::label));
    return ids;
  }

  /** Every block of the store, opened. */
  List<DirectoryBlock> openBlocks() {
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
    Path trash = files.newTemporary("-removed-" + b.directory().getFileName());
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
  public void markInUse(FunctionId id) {
    try {
      uses.mark(id.storedName());
    } catch (IOException e) {
      // Only a safeguard against another process's clearObsolete(): never fail a call for it.
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot record in " + root.resolve(StoreLayout.USES) + " that this process "
          + "uses block " + id.label() + " (" + describe(e) + "); other processes may remove it as obsolete");
    }
  }

  @Override
  public List<BlockUser> usersOf(FunctionId id) {
    try {
      return uses.users(id.storedName());
    } catch (IOException e) {
      throw new StoreException("cannot read which processes use block " + id.label() + " of store " + root + ": "
          + describe(e), e);
    }
  }

  @Override
  public long bytes() {
    ensureLayoutQuietly();
    return bytesUnder(root);
  }

  @Override
  public long footprint(FunctionId id) {
    return bytesUnder(blocksDir.resolve(id.storedName()));
  }

  /** The sizes of the regular files under {@code dir}, not following links; files removed meanwhile count 0. */
  private static long bytesUnder(Path dir) {
    long[] sum = {0};
    try {
      Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
        @Override
        public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) sum[0] += attrs.size();
          return java.nio.file.FileVisitResult.CONTINUE;
        }

        @Override
        public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) return java.nio.file.FileVisitResult.CONTINUE;
          throw e;
        }
      });
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new StoreException("cannot measure " + dir + ": " + e.getMessage(), e);
    }
    return sum[0];
  }

  @Override
  public WaitBoard waitBoard() {
    return waitBoard;
  }

  /** Who computes the cell {@code ref} names, as its block's index says; {@code null} if nobody visibly does. */
  @Override
  public CellHolder holderOf(WaitBoard.CellRef ref) {
    Optional<FunctionId> id = FunctionId.fromStoredName(ref.block());
    if (id.isEmpty() || !Files.isDirectory(blocksDir.resolve(ref.block()))) return null;
    try {
      return block(id.get()).holder(ref.keyHi(), ref.keyLo());
    } catch (StoreException e) {
      return null;
    }
  }

  @Override
  public List<String> check(boolean fix) {
    LogCompactor.awaitIdle(30_000); // a settled store: compactions this process began have ended
    List<String> problems = new ArrayList<>();
    Path marker = root.resolve(StoreMarker.NAME);
    if (StoreMarker.parse(readQuietly(marker)).isEmpty()) {
      problems.add(marker + ": missing or damaged" + (fix ? " (rewritten)" : ""));
      if (fix) {
        try {
          StoreMarker.write(root);
        } catch (IOException e) {
          problems.add(marker + ": cannot rewrite it: " + e);
        }
      }
    }
    for (DirectoryBlock b : openBlocks()) problems.addAll(b.check(fix));
    return problems;
  }

  private void ensureLayoutQuietly() {
    try {
      files.ensureLayout();
    } catch (IOException e) {
      // measured as it is
    }
  }

  private static String readQuietly(Path file) {
    try {
      return StoreMarker.readText(file);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "DirectoryBackend[" + root + "]";
  }

  /** Closes every block's files, ends this process's use of the store, and forgets this instance. */
  @Override
  public void close() {
    OPEN.remove(root, this);
    LogCompactor.awaitIdle(10_000); // a compaction under way finishes on the files it opened
    for (DirectoryBlock b : blocks.values()) {
      try {
        b.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "memokit: cannot close block " + b.id().label() + " of " + root + ": " + e);
      }
    }
    blocks.clear();
    try {
      uses.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memokit: cannot end this process's use of store " + root + ": " + e);
    }
  }
}
