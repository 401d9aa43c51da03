#!/usr/bin/python3
"""Starts a Jupyter kernel N times in a row, as Jupyter does, and says how each start went.

    notebooks/tools/kernel-starts.py [--kernel memokit-java] [--starts 20] [--ready-within 10]
                                     [--startup-timeout 40] [--busy-jvms 2] [--busy-threads 1]
                                     [--logs DIR]

Each start is jupyter_client's start_new_kernel (what nbclient and the notebook server do: start
the kernel, then send kernel_info_request every second until it answers), with no retry: a start
that does not answer within --startup-timeout seconds counts as "never". With --busy-jvms N, N
java processes spin beside the starts (--busy-threads threads each, default 1: each keeps a core
busy), as on a machine where other kernels compute. With --logs DIR each kernel's standard output
and error go to DIR/start-K.log, and a kernel that never answers gets a thread dump (jcmd
Thread.print) there before it is killed.

Prints one line per start ("start 7: ready in 1.83 s" / "start 7: NEVER ready in 40 s"), then
    ready within 10 s: N/N, late: 0, never: 0; median 1.62 s, max 2.31 s
    kernel memokit-java runs on Java 17.0.15+6
(the Java version from the kernels' kernel_info_reply),
and exits 1 unless every start was ready within --ready-within seconds.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
from jupyter_client.manager import KernelManager

SPIN = """
public class Spin {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    for (int i = 0; i < n; i++) {
      new Thread(() -> { long x = 0; while (true) { x += new Object().hashCode(); if (x == 42) System.out.print(""); } }).start();
    }
    System.out.println("spinning on " + n + " threads");
  }
}
"""


def busy_jvms(n, threads, workdir):
    """Starts n java processes that spin on `threads` threads each; returns them once they spin."""
    if n == 0:
        return []
    source = os.path.join(workdir, "Spin.java")
    with open(source, "w") as f:
        f.write(SPIN)
    java = shutil.which("java") or "java"
    procs = [subprocess.Popen([java, source, str(threads)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(n)]
    for p in procs:
        line = p.stdout.readline()
        if not line.startswith("spinning"):
            raise RuntimeError("a busy JVM did not start: " + line)
    return procs


def thread_dump(pid, path):
    jcmd = shutil.which("jcmd")
    if not jcmd:
        return
    with open(path, "a") as f:
        f.write(f"\n==== thread dump of kernel {pid} (jcmd Thread.print) ====\n")
        f.flush()
        subprocess.run([jcmd, str(pid), "Thread.print"], stdout=f, stderr=subprocess.STDOUT, timeout=60)


def one_start(kernel, timeout, log_path):
    """Starts the kernel, waits for its kernel_info_reply; returns (seconds to ready, the kernel's
    language version), or (None, None) if it never answered."""
    km = KernelManager(kernel_name=kernel)
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    started = time.monotonic()
    try:
        km.start_kernel(stdout=log, stderr=log)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=timeout)
            ready = time.monotonic() - started
            info = kc.kernel_info(reply=True, timeout=timeout)["content"]
            return ready, info.get("language_info", {}).get("version")
        except RuntimeError:
            if log_path and km.provisioner and km.provisioner.process:
                log.flush()
                thread_dump(km.provisioner.process.pid, log_path)
            return None, None
        finally:
            kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
        if log_path:
            log.close()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default="memokit-java")
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--ready-within", type=float, default=10)
    ap.add_argument("--startup-timeout", type=float, default=40)
    ap.add_argument("--busy-jvms", type=int, default=2)
    ap.add_argument("--busy-threads", type=int, default=1)
    ap.add_argument("--logs")
    args = ap.parse_args(argv)
    if args.logs:
        os.makedirs(args.logs, exist_ok=True)
    work = tempfile.mkdtemp(prefix="kernel-starts-")
    busy = busy_jvms(args.busy_jvms, args.busy_threads, work)
    times, never, versions = [], 0, set()
    try:
        for k in range(1, args.starts + 1):
            log_path = os.path.join(args.logs, f"start-{k}.log") if args.logs else None
            t, version = one_start(args.kernel, args.startup_timeout, log_path)
            if t is None:
                never += 1
                print(f"start {k}: NEVER ready in {args.startup_timeout:g} s", flush=True)
            else:
                times.append(t)
                versions.add(version)
                print(f"start {k}: ready in {t:.2f} s", flush=True)
    finally:
        for p in busy:
            p.kill()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)
    within = sum(1 for t in times if t <= args.ready_within)
    late = len(times) - within
    summary = f"ready within {args.ready_within:g} s: {within}/{args.starts}, late: {late}, never: {never}"
    if times:
        summary += f"; median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    print(summary, flush=True)
    print(f"kernel {args.kernel} runs on Java {', '.join(sorted(str(v) for v in versions))}", flush=True)
    return 0 if within == args.starts else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
