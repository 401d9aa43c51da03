package io.memokit.storage;

/**
 * A finished cell as a backend returns it: its number in the store and its payload (verified).
 * Each backend returns its own type, which also says where it found the cell; the cell lifecycle
 * hands it back to the same block's {@link BlockBackend#hit} untouched.
 */
public interface StoredCell {

  /** The cell's number, unique in the store. */
  long cellId();

  /**
   * What was stored, in an array this read made: nobody else holds or changes it, so the cell
   * lifecycle may keep it as this process's copy of the cell.
   */
  Payload payload();

  /**
   * When it was computed and how long that took, or {@code null} when the read did not fetch it (a
   * backend may leave it out of the read that comes with a claim).
   */
  Claim.Timing timing();
}
