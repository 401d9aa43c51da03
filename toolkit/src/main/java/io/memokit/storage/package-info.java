/**
 * Storage: bytes on disk and cross-process synchronisation, with no database.
 *
 * <p>A store is a directory; each block is a sub-directory holding a memory-mapped slot table
 * (cell metadata and statistics, shared live by every process), a lock file (one byte-range
 * lock per cell while it is computed, one for short administrative sections) and one file per
 * finished cell, written to a temporary file and renamed into place, with a trailer holding a
 * format version, the codec and a CRC32C. Implementation package: not part of memokit's API.
 */
package io.memokit.storage;
