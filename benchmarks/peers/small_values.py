#!/usr/bin/python3
"""memokit's peers on issue 11's small-values workload, run by bin/bench (io.memokit.bench.Suite).

The same workload as `io.memokit.bench.Child small` runs on memokit: a memoized f(i, "abc") returning
the tuple (i, "abc", i * 0.5), or SIZE prepared random bytes; first a warm-up of 200 misses and 200
hits of another memoized function of the same shape in the same cache, then COUNT misses (i = 0..COUNT-1)
and COUNT hits of the same keys in the same order, each call timed.

    /usr/bin/python3 small_values.py LIB DIR SIZE COUNT PHASE
      LIB    diskcache: diskcache.Cache(DIR).memoize(); joblib: joblib.Memory(DIR, verbose=0).cache
      DIR    the cache's directory (on the same disk as memokit's store)
      SIZE   0: f returns the tuple; N: f returns the same N random bytes for every key
      COUNT  calls timed per kind
      PHASE  both: warm-up, COUNT misses then COUNT hits, on a fresh DIR;
             hits: in a fresh process on the DIR a 'both' run left, warm-up hits, then COUNT hits

Prints `RESULT name value` lines as Child does, in nanoseconds per call: miss.median, miss.mean,
hit.median, hit.mean (the median is the upper middle element, as in Child). Exits non-zero if a hit
computed its value. Needs the Debian packages python3-diskcache and python3-joblib.
"""
import random
import sys
import time

WARM = 10_000  # the same warm-up as memokit's (Child small): its JIT compiles the call path
PAYLOAD = None
computed = 0


def small(i, s):
    global computed
    computed += 1
    return PAYLOAD if PAYLOAD is not None else (i, s, i * 0.5)


def small_warm(i, s):
    return PAYLOAD if PAYLOAD is not None else (i, s, i * 0.5)


def timed(fn, count):
    clock = time.perf_counter_ns
    t = [0] * count
    for i in range(count):
        t0 = clock()
        fn(i, "abc")
        t[i] = clock() - t0
    return t


def result(name, times):
    ordered = sorted(times)
    print(f"RESULT {name}.median {float(ordered[len(ordered) // 2])}")
    print(f"RESULT {name}.mean {sum(times) / len(times)}")


def main():
    global PAYLOAD
    lib, directory, size, count, phase = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    if size > 0:
        PAYLOAD = random.Random(3).randbytes(size)
    if lib == "diskcache":
        import diskcache
        cache = diskcache.Cache(directory)
        f, g = cache.memoize()(small), cache.memoize()(small_warm)
    elif lib == "joblib":
        import joblib
        memory = joblib.Memory(directory, verbose=0)
        f, g = memory.cache(small), memory.cache(small_warm)
    else:
        raise SystemExit(f"unknown library {lib}")
    if phase == "both":
        timed(g, WARM)
        timed(g, WARM)
        result("miss", timed(f, count))
        if computed != count:
            raise SystemExit(f"{lib}: {computed} of {count} misses computed")
        result("hit", timed(f, count))
        if computed != count:
            raise SystemExit(f"{lib}: {computed - count} of {count} hits computed")
    elif phase == "hits":
        timed(g, WARM)
        result("hit", timed(f, count))
        if computed != 0:
            raise SystemExit(f"{lib}: {computed} of {count} hits in a fresh process computed")
    else:
        raise SystemExit(f"unknown phase {phase}")
    expected = PAYLOAD if PAYLOAD is not None else (1, "abc", 0.5)
    if f(1, "abc") != expected:
        raise SystemExit(f"{lib}: wrong value for f(1, 'abc')")


if __name__ == "__main__":
    main()
