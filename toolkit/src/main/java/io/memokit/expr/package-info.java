/**
 * Expressions: lazy calls keyed and saved by definition ({@link io.memokit.expr.Expression},
 * {@link io.memokit.expr.MapExpression}) and the lazy chain of maps ({@link io.memokit.expr.ChainMap}).
 * Implementation package: the API is {@link io.memokit.Expr} and {@link io.memokit.MapExpr}.
 */
package io.memokit.expr;
