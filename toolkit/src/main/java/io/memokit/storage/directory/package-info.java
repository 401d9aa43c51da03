/**
 * The directory backend: a store is a directory ({@link io.memokit.storage.directory.StoreLayout}
 * names its entries), each block a sub-directory holding a memory-mapped index, its key directory, a
 * lock file, a values log holding the records of small finished cells, and one file per larger
 * finished cell (a log record holds the same bytes): {@link io.memokit.storage.directory.BlockFiles}
 * lays these files out, in the one table of them. No server: processes agree through file locks,
 * atomic renames and atomic instructions on the shared mapping.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Lock order.</b> A thread takes at most one cell lock (byte {@code 1 + (key hash >>> 2)}
 * of the block's lock file, held while it computes the cell) and, inside it, the block's admin
 * lock: first the in-process {@code ReentrantLock}, then byte 0 of the lock file. Admin sections
 * last microseconds and never take another lock, never wait for a cell, never call user code.
 * Reads take no lock at all: a hit finds the cell's slot through the key directory, reads the
 * record the slot names (a copy from the values log's read-only mapping, {@link
 * io.memokit.storage.directory.LogMapping}, or a positional read of the log or of the cell's own
 * file) and verifies its checksum, key and cell id; anything that changed under the read makes it
 * read again or miss, never return another cell's bytes.
 *
 * <p><b>Publication order of a slot.</b> A slot is written with its state word set to FREE
 * first, then every field, its check word, and last its state (a volatile write): a process
 * reading the state (an acquire read: {@link io.memokit.storage.directory.Mappings} says which
 * access each read and write of the index uses) then the fields sees a whole slot or a free one,
 * and the check word catches
 * what a process killed mid-write left. A finished cell is published by appending its record to
 * the values log (or renaming its complete file into {@code cells/}) and then marking its slot
 * finished with the record's location, both under the admin lock: its record exists before any
 * slot says it does. The log's end moves past a record only once it is written, so a write cut
 * short is written over. Records are never overwritten in place: a compaction (in the background,
 * one process at a time) writes the live records to the next generation's file, then moves each
 * slot's location (location word, then check word) in short admin sections, then deletes the
 * former file; a reader holding a former location reads the whole
 * former record from the file it has open, or finds the file gone and reads the slot again. A cell's file is deleted, and its slot freed, only under
 * the admin lock, and a key has at most one slot (a claim frees any stale one when it starts,
 * finding it through the key directory, {@link io.memokit.storage.directory.KeyIndex}, which admin
 * sections keep in step with the index and rebuild when they find it behind).
 *
 * <p><b>Change bracket.</b> Every change of a slot begins by incrementing the index's change count
 * and ends by recording it in the key directory. An admin section that finds the two apart knows
 * that a process was killed in the middle of a change: it rebuilds the key directory, repairs the
 * slots left half-written (back on the free list, a published cell file indexed again) and
 * recounts the cells.
 *
 * <p><b>Generation rule.</b> The index header holds a generation, incremented whenever a slot is
 * freed (eviction, clear, repair) and set afresh when the index is rebuilt. A process remembering
 * a cell validated its slot at some generation; while the generation is unchanged, no slot was
 * freed, so the cell is still stored: a hit from memory reads one shared word. When it changed, the
 * slot itself is checked (state, id, key hash) and the generation recorded again. A hit that reads
 * its cell from the files reads the generation before the slot, so the slot it read validates the
 * cell it remembers; its count is queued and written with the next publication of hits, as those
 * answered from memory are, to the slot only if it still holds the cell.
 *
 * <p><b>Faults.</b> Every admin section first checks that the block's files are those this process
 * opened (one stat) and that the index header is sound; otherwise it reopens them, or rebuilds the
 * index from the cell files. A mapped index truncated under a process faults asynchronously; the
 * backend recognises that fault ({@code repairedAfter}) and repairs the index.
 */
package io.memokit.storage.directory;
