package io.memokit.storage;

/**
 * A {@link Presence} validated at a generation of its block, which moves whenever any cell of the
 * block is removed: while the generation is the one the cell was validated at, the cell is still
 * stored (one read of a shared number); when it moved, the cell itself is checked once and the new
 * generation recorded, since another cell may have gone, not this one.
 */
public abstract class GenerationPresence implements Presence {

  /** What {@link #generation()} answers when the block is gone or cannot be trusted now: never validated. */
  protected static final long UNKNOWN = Long.MIN_VALUE;

  private final long cellId;
  private volatile long validatedAt;

  protected GenerationPresence(long cellId, long generation) {
    this.cellId = cellId;
    this.validatedAt = generation;
  }

  @Override
  public final long cellId() {
    return cellId;
  }

  @Override
  public final boolean stillStored() {
    long generation = generation();
    if (generation == validatedAt) return true;
    if (generation == UNKNOWN || !holdsCell()) return false;
    validatedAt = generation;
    return true;
  }

  /** The block's generation now, or {@link #UNKNOWN}. */
  protected abstract long generation();

  /** Whether the store holds this very cell now (the generation moved). */
  protected abstract boolean holdsCell();
}
