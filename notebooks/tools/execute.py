#!/usr/bin/python3
"""Executes a notebook with its kernel (memokit-java) and writes it with its outputs.

    notebooks/tools/execute.py NOTEBOOK [OUTPUT] [--timeout SECONDS] [--startup-timeout SECONDS]
                               [--kernel NAME]

Without OUTPUT the notebook is executed in place. --kernel runs it with another kernel than the one
its metadata names (e.g. memokit-java-25, kernel-setup/install.sh --jdk). A kernel that does not
answer Jupyter's first request within --startup-timeout seconds (default 30) is an error: the
script says so and exits 2, without starting it again. Prints one line per output to standard
output, prefixed by the cell number and the output type ("3 stream: ...", "5 html: ...",
"7 error: ..."), so that tests and users can read what each cell produced. Exits 1 if a cell raised
an error that the notebook did not catch.
"""
import argparse
import atexit
import os
import sys

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--timeout", type=int, default=600, help="seconds a cell may run")
    ap.add_argument("--startup-timeout", type=int, default=30, help="seconds the kernel has to answer at start")
    ap.add_argument("--kernel", help="kernel name (default: the notebook's)")
    args = ap.parse_args(argv)
    source = args.notebook
    target = args.output or source
    nb = nbformat.read(source, as_version=4)
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name", "memokit-java")
    client = NotebookClient(nb, timeout=args.timeout, startup_timeout=args.startup_timeout, kernel_name=kernel,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}})
    failed = False
    try:
        client.execute()
    except CellExecutionError:
        failed = True
    except RuntimeError as e:
        if "respond" not in str(e) and "died" not in str(e):
            raise
        # nbclient has shut the kernel down already; its exit hook would try again and fail noisily
        atexit.unregister(client._cleanup_kernel)
        print(f"execute.py: the kernel {kernel} did not answer at start-up ({e}); "
              f"not retried: see its output above", file=sys.stderr)
        return 2
    nbformat.write(nb, target)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                for line in out.get("text", "").splitlines():
                    print(f"{i} stream: {line}")
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                text = data.get("text/html") or data.get("text/plain") or ""
                print(f"{i} {'html' if 'text/html' in data else 'text'}: {' '.join(text.split())}")
            elif kind == "error":
                print(f"{i} error: {out.get('ename')}: {out.get('evalue')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
