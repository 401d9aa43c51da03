package io.memokit.cli;

import io.memokit.CellInfo;
import io.memokit.CellOrigin;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The cells a command picks by where they came from ({@link CellOrigin}): {@code --host},
 * {@code --user} and {@code --fingerprint}, each compared whole with what a listing shows; a cell
 * must match every one given ({@code null}: not given). A cell whose origin is unknown (stored by an
 * earlier memokit) or that is being computed matches none.
 */
record CellFilter(String host, String user, String code) implements Predicate<CellInfo> {

  static final Command.Option HOST = new Command.Option("--host", "HOST",
      "only the cells stored by a process of host HOST (as the listing names it)");
  static final Command.Option USER = new Command.Option("--user", "USER",
      "only the cells written by USER: the database role, or on a directory store the OS user (the owner of "
          + "a cell's own file where it has one), as the listing names the writer");
  static final Command.Option FINGERPRINT = new Command.Option("--fingerprint", "CODE",
      "only the cells computed by code CODE: 16 hex digits, or 'version V' for a function whose code "
          + "memokit could not read (--long shows each cell's)");

  /** The filter {@code args} gives; {@link #isEmpty} if it gives none of its options. */
  static CellFilter of(Args args) {
    return new CellFilter(args.value(HOST.name()), args.value(USER.name()), args.value(FINGERPRINT.name()));
  }

  /** Whether no option was given: every cell passes. */
  boolean isEmpty() {
    return host == null && user == null && code == null;
  }

  @Override
  public boolean test(CellInfo c) {
    if (isEmpty()) return true;
    CellOrigin o = c.origin();
    return c.state() != CellInfo.State.COMPUTING && o.isKnown() && (host == null || host.equals(o.host()))
        && (user == null || user.equals(o.writer())) && (code == null || code.equals(o.code()));
  }

  /** {@code written by alice on host host-a with code 3fa2c1d0e5b6a7f8}; empty if no option was given. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (user != null) parts.add("by " + user);
    if (host != null) parts.add("on host " + host);
    if (code != null) parts.add("with code " + code);
    return parts.isEmpty() ? "" : "written " + String.join(" ", parts);
  }
}
