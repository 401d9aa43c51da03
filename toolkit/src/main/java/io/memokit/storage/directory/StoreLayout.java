package io.memokit.storage.directory;

import java.nio.file.Path;
import java.util.Set;

/**
 * The names of a directory store's entries, stated once:
 * <pre>
 *   STORE/memokit.store    marker: format version, creation time, checksum ({@link StoreMarker})
 *   STORE/counters         memory-mapped: the next cell id, atomic across processes ({@link StoreCounters})
 *   STORE/blocks/NAME{VERSION}(ARITY)/   one block per function identity (its files: the table in {@link BlockFiles}):
 *   STORE/blocks/NAME(ARITY)#CODE/       versioned, fingerprinted by code, or (NAME(ARITY)) by name only
 *   STORE/tmp/             files being written, named by the writing process's pid ({@link StoreFiles})
 *   STORE/hosts/HASH       the name of a host whose processes compute cells here ({@link HostNames})
 *   STORE/waits/           one file per thread waiting for another process ({@link WaitFiles})
 *   STORE/uses/            one file per running process: the blocks it uses, locked for its life ({@link ProcessUses})
 * </pre>
 * A directory holding only these names (and hidden files) is a store, even when its marker was lost.
 */
final class StoreLayout {

  static final String MARKER = "memokit.store";
  static final String COUNTERS = "counters";
  static final String BLOCKS = "blocks";
  static final String TMP = "tmp";
  static final String HOSTS = "hosts";
  static final String WAITS = "waits";
  static final String USES = "uses";

  private static final Set<String> ENTRIES = Set.of(MARKER, COUNTERS, BLOCKS, TMP, HOSTS, WAITS, USES);

  private StoreLayout() {}

  /** Whether an entry of that name in a store's directory is one of the store's own (or hidden). */
  static boolean isStoreEntry(String name) {
    return ENTRIES.contains(name) || name.startsWith(".");
  }

  static Path of(Path root, String entry) {
    return root.resolve(entry);
  }
}
