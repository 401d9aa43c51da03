package io.memokit.storage.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Who, besides this process's user, can write a store directory, in words: the members of its
 * group when it is group-writable, its owner when that is another user. A file system without
 * POSIX permissions (or one whose owner cannot be read) is taken as writable by others: reading
 * it then keeps to the safe default, never the reverse.
 */
final class OtherWriters {

  private OtherWriters() {}

  /** The words for the others who can write {@code root}; null when only this process's user can. */
  static String of(Path root) {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(root, PosixFileAttributes.class);
    } catch (IOException | UnsupportedOperationException e) {
      return "its file system does not say who can write it";
    }
    String mode = PosixFilePermissions.toString(a.permissions());
    if (!isOwnedByThisUser(root, a)) return "it belongs to user " + a.owner().getName() + " (" + mode + ")";
    if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)) {
      return "members of group " + a.group().getName() + " can write it (" + mode + ")";
    }
    if (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) return "every user can write it (" + mode + ")";
    return null;
  }

  /** Whether this process's user owns {@code root}: by user id where the system shows it, else by name. */
  private static boolean isOwnedByThisUser(Path root, PosixFileAttributes a) {
    Path self = Path.of("/proc/self");
    try {
      if (Files.exists(self)) {
        Object processUid = Files.getAttribute(self, "unix:uid");
        return processUid.equals(Files.getAttribute(root, "unix:uid"));
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no user ids here: compare names
    }
    return a.owner().getName().equals(System.getProperty("user.name"));
  }
}
