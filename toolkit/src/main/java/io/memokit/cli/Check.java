package io.memokit.cli;

import io.memokit.MemoStore;
import java.io.PrintStream;
import java.util.List;

/** {@code check STORE [--fix]}: the store's bookkeeping against its cells, one problem a line. */
final class Check {

  private Check() {}

  static int run(Args args, PrintStream out) {
    MemoStore store = Stores.existing(args.get(0));
    boolean fix = args.has("--fix");
    List<String> problems = store.check(fix);
    problems.forEach(out::println);
    if (problems.isEmpty()) {
      out.println(store.location() + " is sound");
      return 0;
    }
    if (!fix) {
      throw CliError.failure(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in "
          + store.location() + " (listed above); run check --fix to repair");
    }
    List<String> left = store.check(false);
    left.forEach(l -> out.println("still: " + l));
    if (!left.isEmpty()) throw CliError.failure(left.size() + " problems remain in " + store.location() + " after --fix");
    out.println("repaired " + store.location());
    return 0;
  }
}
