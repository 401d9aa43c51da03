package io.memokit.storage.directory;

import io.memokit.storage.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The file that makes a directory a store, {@code memokit.store}: its format and creation time,
 * with a checksum. A damaged marker (any bytes, text or not) is rewritten; a newer format is refused.
 */
final class StoreMarker {

  static final String NAME = StoreLayout.MARKER;
  static final int FORMAT = 1;
  private static final System.Logger LOG = System.getLogger("io.memokit");

  private StoreMarker() {}

  /** Reads, or writes for a new store, the marker file; checks the format. */
  static void check(Path root) throws IOException {
    Path marker = root.resolve(NAME);
    if (!Files.exists(marker)) {
      String storeEntry = null;
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path p : entries) {
          String n = p.getFileName().toString();
          // Another process created the store since the check above: read its marker.
          if (n.equals(NAME)) {
            check(root);
            return;
          }
          if (!StoreLayout.isStoreEntry(n)) {
            throw new StoreException("directory " + root + " is not empty and is not a memokit store (it has no "
                + NAME + " file, but holds " + n + "): give an empty or new directory");
          }
          if (!n.startsWith(".")) storeEntry = n;
        }
      }
      if (storeEntry != null) {
        LOG.log(System.Logger.Level.WARNING, "memokit: store marker " + marker + " is missing although the directory "
            + "holds a store's " + storeEntry + "; rewriting it");
      }
      write(root);
      return;
    }
    Optional<Integer> format = parse(readText(marker));
    if (format.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "memokit: store marker " + marker + " is corrupted; rewriting it");
      write(root);
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

  static Optional<Integer> parse(String text) {
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

  static void write(Path root) throws IOException {
    String body = "memokit store\nformat=" + FORMAT + "\ncreated=" + Instant.now() + "\n";
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    Path tmp = root.resolve("." + NAME + "." + StoreFiles.PID + ".tmp");
    Files.writeString(tmp, body + "check=" + Long.toHexString(crc.getValue()) + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, StoreFiles.withoutExecute(Files.getPosixFilePermissions(root)));
    Files.move(tmp, root.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
