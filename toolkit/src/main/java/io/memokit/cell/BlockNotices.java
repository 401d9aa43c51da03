package io.memokit.cell;

import io.memokit.codec.Codec.NotStorableException;
import io.memokit.codec.ReadPolicy;
import io.memokit.codec.ValueReader;
import io.memokit.function.FunctionId;
import io.memokit.function.NamedFunction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a block tells its user, each said once (per block and cause) or at most once a minute, in
 * words that say what happened and what to do: a value read that has no canonical key, stored
 * values this process cannot read, values that cannot be stored, a store that cannot be written.
 */
final class BlockNotices {

  private static final System.Logger LOG = System.getLogger("io.memokit");
  private static final Map<String, Long> LAST_WARNING = new ConcurrentHashMap<>();
  private static final long WARNING_INTERVAL_NANOS = 60_000_000_000L;

  private final FunctionId id;
  private final String storeName;

  BlockNotices(FunctionId id, String storeName) {
    this.id = id;
    this.storeName = storeName;
  }

  /**
   * Says once per value read that has no canonical key that it counts by its type only: a change of
   * it is not seen by the cache, and how to say so or pass it.
   */
  void notKeyed(List<String> notKeyed) {
    for (String what : notKeyed) {
      String name = what.substring(0, what.indexOf(" ("));
      String ignore = name.startsWith("variable ") ? ", or say " + id.name() + " does not depend on it: " + id.name()
          + ".ignoring(\"" + name.substring("variable ".length()) + "\")" : "";
      Notice.once("not keyed " + id + " " + what, id.name() + " reads " + what + ", which has no canonical key: "
          + "its cells count it by its type only, so a change of its value is not seen; pass it as an argument"
          + ignore);
    }
  }

  /**
   * Says once per block, in words, that stored values cannot be read in this process, why, and
   * what to do; the calls compute here and the stored cells stay for the processes that can read them.
   */
  void unreadable(Throwable e) {
    if (e instanceof ReadPolicy.Refused refused) {
      Notice.once("refused " + storeName + " " + id.describe(), id.label() + ": a stored value is not read in this "
          + "process: " + refused.why() + ". Computing here without storing, as long as this lasts; the stored cells "
          + "are kept");
      return;
    }
    String why = e instanceof ClassNotFoundException || e instanceof ValueReader.IncompatibleClassException
        ? e.getMessage() : e.toString();
    String fix = e instanceof ClassNotFoundException ? "define that class as the process that stored them did (same "
        + "name and components), then call again"
        : e instanceof ValueReader.IncompatibleClassException ? "define the class as it was when they were stored, or "
        + "clear the function's cells (" + id.name() + ".clear()) to store values of the new shape"
        : "see the cause; the stored cells are kept";
    Notice.once("unreadable " + storeName + " " + id.describe(), id.label() + ": cannot read its stored values in "
        + "this process: " + why + ". Computing here without storing, as long as this lasts; to share them, " + fix);
  }

  /**
   * Says once per block, in one sentence, that the function's values cannot be stored, which type
   * stands in the way, and what to do: each such call is a miss that stores nothing.
   */
  void unstorable(NamedFunction fn, NotStorableException e) {
    String why = e.refused() == null ? e.reason() : e.refused().equals(e.type()) ? "it is not Serializable"
        : "it holds a " + e.refused() + ", which is not Serializable";
    Notice.once("unstorable " + storeName + " " + id.describe(), fn.id().name() + " returned "
        + (e.type() == null ? "a value" : "a " + e.type()) + ", which memokit cannot store (" + why + "), so it is "
        + "computed again on every call; to have it cached, return something storable instead (the data itself, as a "
        + "record, list, array or string)");
  }

  /**
   * Warns about a store that cannot be written (full disk, removed files, lost database) at most once
   * a minute per block, so a loop over a full disk does not flood a notebook with one warning per call.
   */
  static void storeProblem(String where, String message) {
    long now = System.nanoTime(); // a rate of messages on a screen: the system's time, not the store's
    Long last = LAST_WARNING.get(where);
    if (last == null || now - last > WARNING_INTERVAL_NANOS) {
      LAST_WARNING.put(where, now);
      LOG.log(System.Logger.Level.WARNING, "memokit: " + message + " (such warnings repeat at most once a minute)");
    }
  }
}
