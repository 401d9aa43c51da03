package io.memokit.cli;

import io.memokit.BlockInfo;
import io.memokit.MemoStore;
import io.memokit.function.FunctionId;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.StoreBackend;
import java.nio.file.Path;
import java.util.List;

/** A store as the commands use it: its blocks' statistics from the API, its blocks' cells from its backend. */
record CliStore(MemoStore api, StoreBackend backend) {

  /** The store's directory or, for a database, its URL with the password masked. */
  String location() {
    return api.location();
  }

  /** The store's directory (a directory store only). */
  Path path() {
    return api.path();
  }

  List<BlockInfo> blocks() {
    return api.blocks();
  }

  BlockBackend block(FunctionId id) {
    return backend.block(id);
  }

  void removeBlock(FunctionId id) {
    backend.removeBlock(id);
  }
}
