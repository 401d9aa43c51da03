package io.memokit.expr;

import java.util.Map;

/**
 * Plain-text rendering of expressions and chains, by definition and without incarnating anything:
 * {@code mapExpr stepB(chain(mapExpr stepA({a=1})[lazy]), [a, b], ab, 1)[incarnated]}.
 */
public final class Render {

  private static final int MAX_PLAIN = 80;

  private Render() {}

  public static String text(Object o) {
    StringBuilder sb = new StringBuilder();
    append(sb, o);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object o) {
    if (o instanceof Expression<?> e) {
      sb.append(e.isMap() ? "mapExpr " : "expr ").append(e.function()).append('(');
      Object[] args = e.rawArguments();
      for (int i = 0; i < args.length; i++) {
        if (i > 0) sb.append(", ");
        append(sb, args[i]);
      }
      sb.append(')').append(e.isIncarnated() ? "[incarnated]" : "[lazy]");
    } else if (o instanceof ChainMap<?, ?> c) {
      sb.append("chain(");
      int i = 0;
      for (Map<?, ?> m : c.maps()) {
        if (i++ > 0) sb.append(", ");
        append(sb, m);
      }
      sb.append(')');
    } else if (o instanceof String s) {
      sb.append('"').append(abbreviate(s)).append('"');
    } else {
      // Plain values (maps, lists) print their elements; expressions inside print by definition.
      sb.append(abbreviate(String.valueOf(o)));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > MAX_PLAIN ? s.substring(0, MAX_PLAIN - 3) + "..." : s;
  }
}
