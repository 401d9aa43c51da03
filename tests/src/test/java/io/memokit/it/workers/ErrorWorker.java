package io.memokit.it.workers;

import static io.memokit.Memo.memo;
import static io.memokit.Memo.store;
import static io.memokit.Memo.trace;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Calls {@code failing(1)}, whose body prints {@code BODY RAN} and throws {@code extra.CodedException}
 * (a class with no (String) constructor and an int field {@code code}, present only on some class
 * paths) with a cause and a suppressed exception; where that class is missing, the body throws an
 * IllegalStateException. Prints what the call raised: {@code RAISED class | message | code=N |
 * cause=class: message | suppressed=[...] | stack=the method of this class where it was thrown}. Args: STORE
 */
public final class ErrorWorker {
  public static void main(String[] args) throws Exception {
    trace(true);
    var f = memo(store(Path.of(args[0])), "failing", (Integer k) -> {
      System.out.println("BODY RAN");
      Exception e;
      try {
        var ctor = Class.forName("extra.CodedException").getDeclaredConstructor(String.class, int.class,
            Throwable.class);
        ctor.setAccessible(true); // package-private, as user code often has
        e = (Exception) ctor.newInstance("disk full", 28, new IllegalStateException("inner"));
      } catch (ClassNotFoundException missing) {
        throw new IllegalStateException("no extra.CodedException here");
      }
      e.addSuppressed(new UnsupportedOperationException("cleanup failed"));
      throw e;
    });
    try {
      f.apply(1);
      System.out.println("RETURNED");
    } catch (Exception e) {
      String code;
      try {
        code = String.valueOf(e.getClass().getField("code").get(e));
      } catch (NoSuchFieldException none) {
        code = "-";
      }
      System.out.println("RAISED " + e.getClass().getName() + " | " + e.getMessage() + " | code=" + code
          + " | cause=" + (e.getCause() == null ? "-" : e.getCause().getClass().getName() + ": "
          + e.getCause().getMessage())
          + " | suppressed=" + Arrays.stream(e.getSuppressed()).map(s -> s.getClass().getSimpleName() + ": "
          + s.getMessage()).toList()
          + " | stack=" + Arrays.stream(e.getStackTrace()).filter(frame -> frame.getClassName().endsWith("ErrorWorker"))
          .map(StackTraceElement::getMethodName).findFirst().orElse("-"));
    }
  }
}
