package io.memokit.function;

import java.util.regex.Pattern;

/**
 * The identity of a function's block: its name, its version ({@code ""} when unversioned), its
 * code fingerprint ({@code ""} when versioned, since the version then decides, or when the code
 * cannot be read; see {@link CodeFingerprint}) and its arity. Two processes that define a function
 * with the same identity share its cells; an edited unversioned function has a new identity.
 */
public record FunctionId(String name, String version, String code, int arity) {

  /** Longest accepted name: it becomes part of a directory name. */
  public static final int MAX_NAME = 200;
  /** Longest accepted version text. */
  public static final int MAX_VERSION = 100;
  /** Highest arity memokit's typed interfaces offer. */
  public static final int MAX_ARITY = 5;

  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_$][\\p{L}\\p{N}_$.\\-]*");

  private static final Pattern CODE = Pattern.compile("|[0-9a-f]{16}");

  public FunctionId {
    checkName(name);
    if (version == null) throw new IllegalArgumentException("version must not be null");
    if (code == null || !CODE.matcher(code).matches()) throw new IllegalArgumentException("code fingerprint \"" + code + "\" is not 16 hex digits");
    if (!version.isEmpty() && !code.isEmpty()) throw new IllegalArgumentException("a versioned function is keyed by its version, not its code");
    if (arity < 0 || arity > MAX_ARITY) {
      throw new IllegalArgumentException("arity " + arity + " is outside 0.." + MAX_ARITY);
    }
  }

  /** An identity keyed by name and version only (no code fingerprint). */
  public FunctionId(String name, String version, int arity) {
    this(name, version, "", arity);
  }

  /** An unversioned identity without a code fingerprint. */
  public static FunctionId of(String name, int arity) {
    return new FunctionId(name, "", arity);
  }

  /** Checks a user-given function name and explains any problem in the message. */
  public static String checkName(String name) {
    if (name == null) throw new IllegalArgumentException("function name must not be null");
    String shown = name.length() > 40 ? name.substring(0, 40) + "...(" + name.length() + " chars)" : name;
    if (name.length() > MAX_NAME) {
      throw new IllegalArgumentException("function name \"" + printable(shown) + "\" is too long: "
          + name.length() + " characters, at most " + MAX_NAME);
    }
    if (!NAME.matcher(name).matches() || name.contains("..") || name.endsWith(".")) {
      throw new IllegalArgumentException("function name \"" + printable(shown) + "\" is not allowed: use letters, "
          + "digits, '_', '$', '.' and '-', starting with a letter, digit, '_' or '$' (no '/', no '..', "
          + "no spaces or control characters)");
    }
    return name;
  }

  /** Turns a user-given version object into the version text, explaining any problem. */
  public static String versionText(String name, Object version) {
    if (version == null) throw new IllegalArgumentException("version of \"" + name + "\" must not be null");
    String text = String.valueOf(version);
    if (text.isEmpty()) throw new IllegalArgumentException("version of \"" + name + "\" must not be empty");
    if (text.length() > MAX_VERSION) {
      throw new IllegalArgumentException("version of \"" + name + "\" is too long: " + text.length()
          + " characters, at most " + MAX_VERSION);
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new IllegalArgumentException("version of \"" + name + "\" contains a control character: \""
            + printable(text) + "\"");
      }
    }
    return text;
  }

  /** {@code name{version}(arity)}, or {@code name(arity)} when unversioned: the trace's block label. */
  public String label() {
    return version.isEmpty() ? name + "(" + arity + ")" : name + "{" + version + "}(" + arity + ")";
  }

  /** The block's name as stores and the command line list it: {@code sq(1)#3fa2c1d0e5b6a7f8}, {@code v{3}(1)}. */
  public String blockName() {
    return code.isEmpty() ? label() : label() + "#" + code;
  }

  /** The label, with the code fingerprint when there is one: {@code sq(1) code 3fa2c1d0e5b6a7f8}. */
  public String describe() {
    return code.isEmpty() ? label() : label() + " code " + code;
  }

  /**
   * The block's name as every store keys it (a directory store's block directory, a database's
   * block row, a wait's cell reference), {@code name{version}(arity)}, {@code name(arity)#code} or
   * {@code name(arity)}, with every character of the name and version outside {@code [A-Za-z0-9._$-]}
   * percent-encoded (UTF-8), so that any version text gives one safe path segment and
   * {@link #fromStoredName} can read it back.
   */
  public String storedName() {
    String n = escape(name);
    if (!version.isEmpty()) return n + "{" + escape(version) + "}(" + arity + ")";
    return code.isEmpty() ? n + "(" + arity + ")" : n + "(" + arity + ")#" + code;
  }

  /** Whether {@code other} is the same function name and arity keyed otherwise (another version or code). */
  public boolean isOtherDefinitionOf(FunctionId other) {
    return name.equals(other.name) && arity == other.arity && !equals(other);
  }

  /** The identity a stored block name ({@link #storedName()}) stands for, or empty if the name is not one memokit writes. */
  public static java.util.Optional<FunctionId> fromStoredName(String name) {
    java.util.regex.Matcher m = STORED_NAME.matcher(name);
    if (!m.matches()) return java.util.Optional.empty();
    try {
      String version = m.group(2) == null ? "" : unescape(m.group(2));
      String code = m.group(4) == null ? "" : m.group(4);
      return java.util.Optional.of(new FunctionId(unescape(m.group(1)), version, code, Integer.parseInt(m.group(3))));
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static final Pattern STORED_NAME = Pattern.compile("([A-Za-z0-9._$%-]+)(?:\\{([A-Za-z0-9._$%-]+)\\})?\\((\\d)\\)(?:#([0-9a-f]{16}))?");

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '$' || c == '-';
      if (safe) sb.append((char) c);
      else sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
    }
    return sb.toString();
  }

  private static String unescape(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static final String HEX = "0123456789ABCDEF";

  @Override
  public String toString() {
    return label();
  }

  /**
   * Every component, as a record's own equals compares them; written out because the record's own is
   * made by a method-handle bootstrap at its first call, which spins classes in a new JVM
   * (NewJvmCostTest checks that each component still counts).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof FunctionId f && arity == f.arity && name.equals(f.name) && version.equals(f.version)
        && code.equals(f.code);
  }

  @Override
  public int hashCode() {
    return ((name.hashCode() * 31 + version.hashCode()) * 31 + code.hashCode()) * 31 + arity;
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.toString();
  }
}
