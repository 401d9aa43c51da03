package io.memokit.codec;

import io.memokit.MemoException;
import java.io.Serializable;

/**
 * An exception that could not be written as itself (it holds something not Serializable):
 * stored as its class name, message and stack, and rebuilt as the same class where that class
 * has a {@code (String)} constructor.
 */
public record StoredThrowable(String className, String message, StackTraceElement[] stack) implements Serializable {

  public static StoredThrowable of(Throwable t) {
    return new StoredThrowable(t.getClass().getName(), t.getMessage(), t.getStackTrace());
  }

  /**
   * The exception as its class, where {@code policy} allows that class (building it runs its
   * constructor); else, or where it cannot be built, a {@link MemoException} with its class's name,
   * message and stack.
   */
  public Throwable rebuild(ReadPolicy policy) {
    try {
      Class<?> c = Codec.shared().findClass(className);
      if (Throwable.class.isAssignableFrom(c) && (policy.classes() == null || policy.classes().test(c))) {
        Throwable t = (Throwable) c.getConstructor(String.class).newInstance(message);
        t.setStackTrace(stack);
        return t;
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
      // fall through
    }
    MemoException e = new MemoException(className + ": " + message
        + " (stored exception; its class could not be rebuilt here)");
    e.setStackTrace(stack);
    return e;
  }
}
