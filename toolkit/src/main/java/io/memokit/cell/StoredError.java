package io.memokit.cell;

import java.io.Serializable;

/**
 * How an exception is stored in a cell: the exception itself (or, when it cannot be written, its
 * {@link io.memokit.codec.StoredThrowable} form), with the process, host and time that stored it, so that a
 * process re-throwing it later can say where it came from.
 *
 * @param error          the exception, or its {@code StoredThrowable} form
 * @param pid            the storing process
 * @param host           the storing host
 * @param storedAtMillis when it was stored (epoch milliseconds)
 */
public record StoredError(Object error, long pid, String host, long storedAtMillis) implements Serializable {}
