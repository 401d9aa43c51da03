package io.memokit.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What a store is opened with, validated here once: the maxsize of new blocks, the clock that dates
 * hits and computations (tests give their own, so they never sleep to order hits), and how the
 * file system of a directory store is named (tests inject one to check the refusal of network file
 * systems). {@link #defaults()} reads the {@code memokit.maxsize} system property when called.
 *
 * @param maxsize        finished cells a new block keeps (at least 1)
 * @param clockMillis    the current time, in epoch milliseconds (the wall clock: what cells record)
 * @param ticker         a monotonic time in nanoseconds (what timeouts, polls and intervals measure)
 * @param fileSystemType the type of the file system holding a path ({@code ext4}, {@code nfs4}...)
 */
public record StoreSettings(int maxsize, LongSupplier clockMillis, LongSupplier ticker,
                            Function<Path, String> fileSystemType) {

  /** The maxsize of a block nobody resized. */
  public static final int DEFAULT_MAXSIZE = 1024;

  public StoreSettings {
    checkMaxsize("maxsize", maxsize);
    if (clockMillis == null) throw new IllegalArgumentException("clockMillis must not be null");
    if (ticker == null) throw new IllegalArgumentException("ticker must not be null");
    if (fileSystemType == null) throw new IllegalArgumentException("fileSystemType must not be null");
  }

  /** The defaults: maxsize from {@code -Dmemokit.maxsize} (else 1024), the system clock, the real file system. */
  public static StoreSettings defaults() {
    String property = System.getProperty("memokit.maxsize");
    int maxsize = DEFAULT_MAXSIZE;
    if (property != null && !property.isBlank()) {
      try {
        maxsize = Integer.parseInt(property.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("system property memokit.maxsize must be a whole number, got \""
            + property + "\"");
      }
    }
    return new StoreSettings(maxsize, System::currentTimeMillis, System::nanoTime, StoreSettings::typeOf);
  }

  /** Refuses a maxsize below 1, naming {@code what} (the argument or setting) in the message. */
  public static int checkMaxsize(String what, int maxsize) {
    if (maxsize < 1) throw new IllegalArgumentException(what + " must be at least 1, got " + maxsize);
    return maxsize;
  }

  /** Refuses a negative byte limit, naming {@code what} in the message (0 means no limit). */
  public static long checkByteLimit(String what, long maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException(what + " must be 0 (no limit) or more, got " + maxBytes);
    return maxBytes;
  }

  public StoreSettings withMaxsize(int maxsize) {
    return new StoreSettings(maxsize, clockMillis, ticker, fileSystemType);
  }

  public StoreSettings withClock(LongSupplier clockMillis) {
    return new StoreSettings(maxsize, clockMillis, ticker, fileSystemType);
  }

  /** These settings with {@code ticker} as the monotonic time (nanoseconds). */
  public StoreSettings withTicker(LongSupplier ticker) {
    return new StoreSettings(maxsize, clockMillis, ticker, fileSystemType);
  }

  public StoreSettings withFileSystemType(Function<Path, String> fileSystemType) {
    return new StoreSettings(maxsize, clockMillis, ticker, fileSystemType);
  }

  private static String typeOf(Path path) {
    try {
      return Files.getFileStore(path).type();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
