package io.memokit.storage.directory;

import io.memokit.storage.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code STORE/hosts/HASH}: the names of the hosts whose processes compute cells in the store
 * (pending slots name their process's host by a 32-bit hash only).
 */
final class HostNames {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private final Path root;
  private final StoreFiles files;
  private final Map<Integer, String> hostNames = new ConcurrentHashMap<>();
  private volatile boolean hostRegistered;

  HostNames(Path root, StoreFiles files) {
    this.root = root;
    this.files = files;
  }

  /**
   * Records this host's name under its hash, once per process (pending slots name their process's
   * host by hash only). Best effort: a store that cannot take it shows the hash instead.
   */
  void register() {
    if (hostRegistered) return;
    hostRegistered = true;
    Path dir = root.resolve(StoreLayout.HOSTS);
    Path file = dir.resolve(hex(ProcessIdentity.HOST_HASH));
    try {
      if (Files.exists(file)) return;
      files.createDirectory(dir);
      files.replaceSmallFile(file, ProcessIdentity.HOST.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "memokit: cannot record this host's name in " + dir + ": " + e);
    }
  }

  /** The name of the host with this hash, as recorded in the store; {@code host #HASH} if unknown. */
  String name(int hash) {
    if (hash == ProcessIdentity.HOST_HASH) return ProcessIdentity.HOST;
    String known = hostNames.get(hash);
    if (known != null) return known;
    try {
      String name = StoreMarker.readText(root.resolve(StoreLayout.HOSTS).resolve(hex(hash)));
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
}
