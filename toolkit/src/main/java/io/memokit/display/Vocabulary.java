package io.memokit.display;

import io.memokit.BlockInfo;
import io.memokit.CellInfo;
import io.memokit.CellOrigin;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The words, units and time zone every rendering of a store uses: the notebook tables (HTML and
 * plain text), the command line's tables, and the API's text forms ({@code info()},
 * {@code cells()}). A block is named as the command line addresses it ({@code sq(1)#3fa2...});
 * {@code cells} counts cells, {@code bytes} measures what is stored, in powers of 1024
 * ({@code 1.5 KiB}); times are this machine's local time to the second; a cell never hit has an
 * empty {@code last hit}; CPU and wall times read {@code 35 µs}, {@code 12 ms} or {@code 1.2 s}; a
 * cell's writer reads {@code alice@host-a} (its {@link CellOrigin#writer()} and host), {@code unknown}
 * for a cell stored by an earlier memokit.
 */
public final class Vocabulary {

  /** The columns of a block table. */
  public static final List<String> BLOCK_COLUMNS = List.of("block", "keyed by", "hits", "misses", "cells", "maxsize",
      "errors", "computing", "bytes");

  /** The columns of a cell table. */
  public static final List<String> CELL_COLUMNS = List.of("cell", "arguments", "state", "hits", "bytes", "CPU", "wall",
      "written by", "last hit");

  /** The columns of a table of where cells came from: each field of their {@link CellOrigin}. */
  public static final List<String> ORIGIN_COLUMNS = List.of("cell", "arguments", "state", "user", "host", "pid",
      "written", "JDK", "memokit", "code");

  /** The widest a cell's writer is shown in a cell table; a longer one is cut, {@code ...} at its end. */
  static final int WRITTEN_BY_WIDTH = 40;

  private static final String[] PREFIXES = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.systemDefault());

  private Vocabulary() {}

  /** A block's row under {@link #BLOCK_COLUMNS}. */
  public static List<String> blockRow(BlockInfo b) {
    return List.of(b.blockName(), b.keyedBy(), String.valueOf(b.hits()), String.valueOf(b.misses()),
        String.valueOf(b.size()), String.valueOf(b.maxsize()), String.valueOf(b.errors()), String.valueOf(b.pending()),
        bytes(b.bytes()));
  }

  /** The total row of a block table (maxsize and keyed by left empty). */
  public static List<String> totalRow(List<BlockInfo> blocks) {
    return List.of("total: " + blocks.size() + (blocks.size() == 1 ? " block" : " blocks"), "",
        String.valueOf(blocks.stream().mapToLong(BlockInfo::hits).sum()),
        String.valueOf(blocks.stream().mapToLong(BlockInfo::misses).sum()),
        String.valueOf(blocks.stream().mapToLong(BlockInfo::size).sum()), "",
        String.valueOf(blocks.stream().mapToLong(BlockInfo::errors).sum()),
        String.valueOf(blocks.stream().mapToLong(BlockInfo::pending).sum()),
        bytes(blocks.stream().mapToLong(BlockInfo::bytes).sum()));
  }

  /** A cell's row under {@link #CELL_COLUMNS}. */
  public static List<String> cellRow(CellInfo c) {
    return List.of(String.valueOf(c.id()), c.arguments(), state(c.state()), String.valueOf(c.hits()), bytes(c.size()),
        duration(c.cpuTime()), duration(c.wallTime()), writtenBy(c), lastHit(c));
  }

  /**
   * Who stored a cell, in one word: {@code alice@host-a} (its {@link CellOrigin#writer()}, its
   * host), cut to {@value #WRITTEN_BY_WIDTH} characters; {@code unknown} for a cell stored by an
   * earlier memokit; empty while it is computed.
   */
  public static String writtenBy(CellInfo c) {
    if (c.state() == CellInfo.State.COMPUTING) return "";
    CellOrigin o = c.origin();
    if (!o.isKnown()) return UNKNOWN;
    String word = o.writer() + "@" + o.host();
    return word.length() <= WRITTEN_BY_WIDTH ? word : word.substring(0, WRITTEN_BY_WIDTH - 3) + "...";
  }

  private static final String UNKNOWN = "unknown";

  /**
   * A cell's row under {@link #ORIGIN_COLUMNS}: every field of where it came from. Its user is its
   * {@link CellOrigin#writer()}, followed by {@code (reported alice)} when its file's owner is not
   * the user its process reported; {@code unknown} and empty fields for a cell stored by an earlier
   * memokit.
   */
  public static List<String> originRow(CellInfo c) {
    CellOrigin o = c.origin();
    if (!o.isKnown()) {
      return List.of(String.valueOf(c.id()), c.arguments(), state(c.state()), writtenBy(c), "", "", "", "", "", "");
    }
    String user = o.writer().equals(o.user()) ? o.user() : o.writer() + " (reported " + o.user() + ")";
    return List.of(String.valueOf(c.id()), c.arguments(), state(c.state()), user, o.host(), String.valueOf(o.pid()),
        time(o.written()), o.jdk(), o.memokit(), o.code());
  }

  /** {@code value}, {@code exception} or {@code computing}. */
  public static String state(CellInfo.State s) {
    return switch (s) {
      case ERROR -> "exception";
      case COMPUTING -> "computing";
      default -> "value";
    };
  }

  /** When the cell was last hit, local time; empty if never. */
  public static String lastHit(CellInfo c) {
    return c.hits() == 0 ? "" : time(c.lastHit());
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}: one decimal from KiB on, in powers of 1024. */
  public static String bytes(long n) {
    if (n < 1024) return n + " B";
    double v = n;
    int i = -1;
    while (v >= 1024 && i < PREFIXES.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, PREFIXES[i]);
  }

  /** {@code 2026-11-25 14:32:13}, this machine's local time. */
  public static String time(Instant t) {
    return TIME.format(t);
  }

  /** {@code 35 µs}, {@code 12 ms}, {@code 1.2 s}. */
  public static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1) return (d.toNanos() / 1000) + " \u00b5s";
    if (ms < 10_000) return ms + " ms";
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /**
   * An age or a time to live, in the largest whole unit: {@code 45 s}, {@code 11 min}, {@code 3 h},
   * {@code 2 days}; under 10 s as {@link #duration} says it ({@code 250 ms}).
   */
  public static String age(Duration d) {
    long s = d.toSeconds();
    if (s < 10) return duration(d);
    if (s < 120) return s + " s";
    if (s < 120 * 60) return s / 60 + " min";
    if (s < 48 * 3600) return s / 3600 + " h";
    return s / 86_400 + " days";
  }
}
