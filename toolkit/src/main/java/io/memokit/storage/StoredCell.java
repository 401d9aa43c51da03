package io.memokit.storage;

/**
 * A finished cell as a backend returns it: its number in the store, its payload (verified), and
 * the backend's own note of where it found it, which the cell lifecycle hands back to
 * {@link BlockBackend#hit} untouched.
 *
 * @param cellId      the cell's number, unique in the store
 * @param payload     what was stored
 * @param whereabouts the backend's note (a file's metadata, a row's version...)
 */
public record StoredCell(long cellId, Payload payload, Object whereabouts) {}
