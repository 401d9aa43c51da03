package io.memokit.storage;

/**
 * memokit's version, looked up in one place: what {@code java -jar memokit.jar --version} prints,
 * what a new PostgreSQL schema records, and what every stored cell records of its writer.
 */
public final class MemokitVersion {

  /** What a build without a version says: memokit run from its classes, not from its jar. */
  public static final String DEVELOPMENT = "dev";

  private static final String VERSION = lookup();

  private MemokitVersion() {}

  /** The jar's {@code Implementation-Version} (the Maven project version), or {@value #DEVELOPMENT}. */
  public static String get() {
    return VERSION;
  }

  private static String lookup() {
    String v = MemokitVersion.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? DEVELOPMENT : v;
  }
}
