package io.memokit.storage;

/**
 * A cell's stored result: {@code bytes[0, length)} as a codec wrote them, the codec's id, whether
 * it is an exception, and whether its decoded value may be shared by every hit of a process (the
 * codec says so only of values no caller can change; others are decoded afresh for each hit).
 * The array may be longer than {@code length}; a backend reads only that range.
 */
public record Payload(byte codec, byte[] bytes, int length, boolean error, boolean shareable) {

  public Payload {
    if (length < 0 || length > bytes.length) {
      throw new IllegalArgumentException("payload length " + length + " outside its array of " + bytes.length);
    }
  }
}
