package io.memokit.storage.directory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A block's values log: finished cells of up to {@value #MAX_RECORD} bytes are appended, each as a
 * record, to one file, {@code values.G}, instead of a file each, so that a miss costs one positional
 * write under the block's admin lock rather than a file created, written and renamed, and a first
 * hit a copy from the log's mapping ({@link LogMapping}) or one positional read rather than a file
 * opened, read and closed. As Bitcask's log with its key
 * directory: the block's index ({@link SlotTable}) names each record's place, found through
 * {@link KeyIndex}.
 *
 * <p>A record is an 8-byte header (magic, length) and the bytes of a {@link CellFile}, checksum
 * and key included, so a record is verified exactly as a cell file is. Records are never written
 * over: a freed cell's record is dead space, counted in the index, until a compaction
 * ({@link LogCompactor}, in the background) copies the live records into the next generation's
 * file, points their slots there and deletes the former file. A slot's location names the generation, so a process that read a location before the
 * compaction reads the former record, whole, from the file it has open; one that finds the file
 * gone reads the slot again. A process killed mid-append leaves a record no slot names.
 */
final class ValuesLog implements Closeable {

  /** Records (cell-file bytes) up to this size go to the log; larger values keep a file each. */
  static final int MAX_RECORD = 16 * 1024;
  /** The location of a cell kept in its own file. */
  static final long IN_OWN_FILE = 0;
  static final int RECORD_HEADER = 8;
  private static final int RECORD_MAGIC = 0x4D4B5652; // "MKVR"
  private static final String PREFIX = "values.";
  private static final long OFFSET_MASK = (1L << 40) - 1;

  private final Path dir;
  private final StoreFiles storeFiles;
  private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();
  private final LogMapping mapping = new LogMapping(this::file);

  ValuesLog(Path dir, StoreFiles storeFiles) {
    this.dir = dir;
    this.storeFiles = storeFiles;
  }

  static boolean isLogged(long location) {
    return location > 0;
  }

  /** A record's location: its generation's file and its offset there (never {@link #IN_OWN_FILE}). */
  static long location(int generation, long offset) {
    return 1 + (((long) generation << 40) | offset);
  }

  static int generationOf(long location) {
    return (int) ((location - 1) >>> 40);
  }

  static long offsetOf(long location) {
    return (location - 1) & OFFSET_MASK;
  }

  /** The last file {@link #file} named, kept: a hit names its file (for messages) without building a path. */
  private volatile Named lastNamed = new Named(-1, null);

  private record Named(int generation, Path file) {}

  Path file(int generation) {
    Named n = lastNamed;
    if (n.generation() == generation) return n.file();
    Path file = dir.resolve(PREFIX + generation);
    lastNamed = new Named(generation, file);
    return file;
  }

  /** The file a location names, for messages. */
  Path fileOf(long location) {
    return file(generationOf(location));
  }

  /**
   * Each thread's buffer for the record it appends next: reused, so that a miss allocates no array
   * of its value's size for it, and direct, so that the write copies nothing before the system call.
   */
  private static final ThreadLocal<ByteBuffer> RECORDS = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(RECORD_HEADER + MAX_RECORD).order(ByteOrder.LITTLE_ENDIAN));

  /**
   * A record as it is appended: header, then the cell file's buffers, {@code length} bytes of them.
   * Built outside any lock, in this thread's buffer: valid until the thread's next record.
   */
  static ByteBuffer record(ByteBuffer[] cellFile, int length) {
    ByteBuffer out = length <= MAX_RECORD ? RECORDS.get().clear()
        : ByteBuffer.allocate(RECORD_HEADER + length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(RECORD_MAGIC).putInt(length);
    for (ByteBuffer b : cellFile) out.put(b.duplicate());
    return out.flip();
  }

  /**
   * Appends a record at the end of the current generation's file, as the index records it (admin
   * lock held), and returns its location; the index's end moves past it. A write cut short (a full
   * disk, a kill) is written over by the next record, as the end has not moved.
   */
  long append(SlotTable table, ByteBuffer record) throws IOException {
    int generation = table.logGeneration();
    FileChannel ch = channel(generation, true);
    long at = table.logEnd();
    int length = record.remaining();
    Uninterruptibly.call(() -> {
      ByteBuffer b = record.duplicate(); // the record itself stays whole, for an admin section run again
      for (long pos = at; b.hasRemaining(); ) pos += ch.write(b, pos);
      return null;
    });
    table.setLogEnd(at + length);
    return location(generation, at);
  }

  /**
   * The cell-file bytes of the record at {@code location}, {@code length} bytes long, or
   * {@code null} if its generation's file is gone (compacted since the location was read).
   * Takes no lock, and reads the cell file only (its own trailer names its lengths and checksum,
   * which the caller verifies; the record header serves scans): copied from the log's mapping
   * ({@link LogMapping}) when it holds them, else with a positional read. Throws
   * {@link CorruptFileException} if the log ends before them.
   */
  byte[] read(long location, int length) throws IOException {
    byte[] mapped = mapping.copy(generationOf(location), offsetOf(location) + RECORD_HEADER, length);
    if (mapped != null) return mapped;
    FileChannel ch = channel(generationOf(location), false);
    if (ch == null) return null;
    long at = offsetOf(location) + RECORD_HEADER;
    byte[] r = new byte[length];
    ByteBuffer b = ByteBuffer.wrap(r);
    Uninterruptibly.call(() -> {
      for (long pos = at; b.hasRemaining(); ) {
        int n = ch.read(b, pos);
        if (n < 0) {
          throw new CorruptFileException(fileOf(location), "record at " + (at - RECORD_HEADER)
              + " runs past the end of the log");
        }
        pos += n;
      }
      return null;
    });
    return r;
  }

  /** Bytes in generation {@code generation}'s file (0 if it has none). */
  long size(int generation) throws IOException {
    FileChannel ch = channel(generation, false);
    return ch == null ? 0 : Uninterruptibly.call(ch::size);
  }

  /** Drops the log's mapping: a read found a file damaged, perhaps cut short under it. */
  void dropMapping() {
    mapping.drop();
  }

  /** The generations whose files exist, in order. */
  List<Integer> generations() throws IOException {
    List<Integer> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path f : files) {
        try {
          found.add(Integer.parseInt(f.getFileName().toString().substring(PREFIX.length())));
        } catch (NumberFormatException notOurs) {
          // another file: not a generation
        }
      }
    }
    found.sort(null);
    return found;
  }

  /** A generation above every existing one, its file created empty (admin lock held). */
  int newGeneration() throws IOException {
    List<Integer> existing = generations();
    int next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
    storeFiles.createFile(file(next));
    return next;
  }

  /** Deletes the files of every generation but {@code kept} (admin lock held: no slot names them). */
  void deleteAllBut(int kept) throws IOException {
    mapping.dropAllBut(kept);
    for (int g : generations()) {
      if (g == kept) continue;
      FileChannel ch = channels.remove(g);
      if (ch != null) ch.close();
      Files.deleteIfExists(file(g));
    }
  }

  /** Dead bytes below which the log is never compacted. */
  static final long COMPACT_MIN_DEAD = 1 << 20;

  /** Whether the current generation is more dead space than live records (and at least {@value #COMPACT_MIN_DEAD} bytes). */
  boolean worthCompacting(SlotTable table) throws IOException {
    long dead = table.deadBytes();
    return dead >= COMPACT_MIN_DEAD && 2 * dead > table.logEnd();
  }

  /** Opens {@code file} (created with the store's permissions if needed) empty, for writing. */
  FileChannel openEmpty(Path file) throws IOException {
    storeFiles.createFile(file);
    return Uninterruptibly.call(() -> FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING));
  }

  /** Starts an empty generation and deletes the others (admin lock held, after every slot was freed). */
  void restart(SlotTable table) throws IOException {
    int next = newGeneration();
    table.setLogGeneration(next);
    table.setLogEnd(0);
    table.setDeadBytes(0);
    deleteAllBut(next);
  }

  /** A record found by {@link #scan}: its location and its cell file, verified. */
  interface RecordVisitor {
    void visit(long location, CellFile.Stored cell) throws IOException;
  }

  /**
   * Visits every whole record of a generation's file in order (to rebuild an index). Bytes that are
   * not a whole record (a write cut short by a kill, damage) are skipped until the next one.
   */
  void scan(int generation, RecordVisitor visitor) throws IOException {
    FileChannel ch = channel(generation, false);
    if (ch == null) return;
    long size = Uninterruptibly.call(ch::size);
    ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    for (long at = 0; at + RECORD_HEADER <= size; ) {
      head.clear();
      long from = at;
      Uninterruptibly.call(() -> ch.read(head, from));
      head.flip();
      int length = head.remaining() == RECORD_HEADER && head.getInt() == RECORD_MAGIC ? head.getInt() : -1;
      if (length < CellFile.TRAILER || length > MAX_RECORD || at + RECORD_HEADER + length > size) {
        at = nextMagic(ch, at + 1, size);
        continue;
      }
      CellFile.Stored cell;
      try {
        cell = CellFile.parse(file(generation), read(location(generation, at), length));
      } catch (CorruptFileException | NewerFormatException notARecord) {
        at = nextMagic(ch, at + 1, size);
        continue;
      }
      visitor.visit(location(generation, at), cell);
      at += RECORD_HEADER + length;
    }
  }

  /**
   * The first offset at or after {@code from} where a record's magic number begins, or {@code size}:
   * where {@link #scan} looks for the next record after bytes that are not one (read 64 KiB at a
   * time, not one read per byte).
   */
  private static long nextMagic(FileChannel ch, long from, long size) throws IOException {
    ByteBuffer window = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    for (long start = from; start + 4 <= size; ) {
      window.clear();
      long at = start;
      int n = Uninterruptibly.call(() -> ch.read(window, at));
      if (n < 4) break;
      for (int i = 0; i + 4 <= n; i++) {
        if (window.getInt(i) == RECORD_MAGIC) return start + i;
      }
      start += n - 3; // the next window overlaps the last three bytes: a magic number across the edge
    }
    return size;
  }

  /**
   * The channel of a generation's file, opened on first use; {@code null} if the file does not
   * exist and {@code create} is false. Opening one closes this process's channels of older
   * generations (compacted away).
   */
  private FileChannel channel(int generation, boolean create) throws IOException {
    FileChannel ch = channels.get(generation);
    if (ch != null && ch.isOpen()) return ch;
    synchronized (channels) {
      ch = channels.get(generation);
      if (ch != null && ch.isOpen()) return ch;
      Path file = file(generation);
      if (create) storeFiles.createFile(file);
      try {
        ch = Uninterruptibly.call(() -> FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
      } catch (AccessDeniedException readOnly) {
        ch = Uninterruptibly.call(() -> FileChannel.open(file, StandardOpenOption.READ));
      } catch (NoSuchFileException gone) {
        return null;
      }
      for (var e : channels.entrySet()) {
        if (e.getKey() < generation) {
          channels.remove(e.getKey());
          e.getValue().close();
        }
      }
      channels.put(generation, ch);
      return ch;
    }
  }

  @Override
  public void close() throws IOException {
    mapping.drop();
    synchronized (channels) {
      for (FileChannel ch : channels.values()) ch.close();
      channels.clear();
    }
  }
}
