package io.memokit;

import java.util.Map;

/**
 * An {@link Expr} whose value is a map, usable directly as a read-only {@link Map}: every map
 * operation incarnates it, then delegates to its value; mutators throw
 * {@link UnsupportedOperationException}. Inside {@link Memo#chain} it stays unevaluated until a
 * lookup reaches it. {@code toString()} shows its definition, not its entries.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface MapExpr<K, V> extends Map<K, V>, Expr<Map<K, V>> {}
