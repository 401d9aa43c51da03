package io.memokit.storage.directory;

import io.memokit.storage.StoreException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A directory store's path as a user writes it, read as a shell would: a leading {@code ~} or
 * {@code ~/} is the user's home (system property {@code user.home}, read at each call);
 * {@code ~user/...} is refused, since Java cannot look up another user's home ({@code ./~x} names a
 * folder called {@code ~x}). And the path refused in words where it, or a folder above it, is a file.
 */
final class StorePath {

  private StorePath() {}

  /** {@code location} with a leading {@code ~} expanded; an {@link IllegalArgumentException} for {@code ~user}. */
  static Path expanded(String location) {
    if (!location.startsWith("~")) return Path.of(location);
    String rest = location.substring(1);
    String home = System.getProperty("user.home");
    if (rest.isEmpty() || rest.startsWith("/") || rest.startsWith(File.separator)) {
      return Path.of(home + rest);
    }
    int end = rest.indexOf('/');
    String user = end < 0 ? rest : rest.substring(0, end);
    throw new IllegalArgumentException("store path " + location + ": memokit expands only ~ and ~/ (your home, "
        + home + "), not ~" + user + "; write that user's home in full, or ./" + location + " for a folder named ~"
        + user);
  }

  /**
   * Refuses {@code absolute} if it, or a folder above it, is a file (or anything but a directory),
   * with a {@link StoreException} naming that file; reads only.
   */
  static void refuseFileInTheWay(Path absolute) {
    for (Path p = absolute; p != null; p = p.getParent()) {
      BasicFileAttributes seen = attributes(p);
      if (seen == null) continue;
      if (seen.isDirectory()) return;
      String which = p.equals(absolute) ? "" : p.equals(absolute.getParent()) ? " " + absolute + ": its parent"
          : " " + absolute + ": a folder above it";
      throw new StoreException("store path" + which + " is a file, not a directory: " + p);
    }
  }

  /**
   * What {@code p} is, from one look at it: through a symbolic link, or the link itself where its target is
   * missing; null where nothing is there. One look, not "is it a directory?" then "does it exist?": another
   * process may create the directory between two looks, and the path would be refused as a file.
   */
  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (IOException missingOrDangling) {
      try {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException missing) {
        return null;
      }
    }
  }
}
