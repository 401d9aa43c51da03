// memokit's JShell start-up: the facade's helpers (store, memo, version, expr, mapExpr, chain, trace)
// and its public types, so a first snippet can call memo(...) directly.
import static io.memokit.Memo.*;
import io.memokit.*;
