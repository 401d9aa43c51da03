package io.memokit;

/** A call on a store this process closed: refused, never computed without the store. */
final class ClosedStoreException extends MemoException {

  ClosedStoreException(String location) {
    super("store " + location + " is closed; open it again with store(\"" + location + "\") to use it");
  }
}
