package io.memokit;

import java.nio.file.Path;
import java.util.List;

/**
 * A directory holding memoized results, shared by every thread and process that opens it. There
 * is one instance per canonical path in a process ({@link Memo#store(Path)}).
 *
 * <p>Guarantees: a cell is computed once across processes while its computing process lives; a
 * stored value is returned only if its file is whole and its checksum matches; the files are as
 * private as the directory (new stores are owner-only, and a world-writable store is refused).
 */
public interface MemoStore {

  /** The store's directory, as a canonical path. */
  Path path();

  /** Every block in the store with its statistics, read from the store (so other processes' work shows). */
  List<BlockInfo> blocks();

  /**
   * Removes the blocks of functions that this process defines under another version (obsolete
   * results). Returns how many blocks were removed.
   */
  int clearObsolete();
}
