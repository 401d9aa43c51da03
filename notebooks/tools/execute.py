#!/usr/bin/python3
"""Executes a notebook with its kernel (memokit-java) and writes it with its outputs.

    notebooks/tools/execute.py NOTEBOOK [OUTPUT] [--timeout SECONDS]

Without OUTPUT the notebook is executed in place. A kernel that does not answer Jupyter's first
request within 30 s is restarted, up to 3 times (the rapaio kernel sometimes misses it when two
kernels start within seconds of each other). Prints one line per output to standard output,
prefixed by the cell number and the output type ("3 stream: ...", "5 html: ...", "7 error: ..."),
so that tests and users can read what each cell produced. Exits 1 if a cell raised an error
that the notebook did not catch.
"""
import os
import sys

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    timeout = 600
    if "--timeout" in argv:
        timeout = int(argv[argv.index("--timeout") + 1])
        args = [a for a in args if a != str(timeout)]
    source = args[0]
    target = args[1] if len(args) > 1 else source
    failed = False
    for attempt in range(1, 4):
        nb = nbformat.read(source, as_version=4)
        client = NotebookClient(nb, timeout=timeout, startup_timeout=30,
                                kernel_name=nb.metadata.get("kernelspec", {}).get("name", "memokit-java"),
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}})
        try:
            client.execute()
            break
        except CellExecutionError:
            failed = True
            break
        except RuntimeError as e:
            if "didn't respond" not in str(e) or attempt == 3:
                raise
            print(f"kernel did not answer at start-up (attempt {attempt}); starting it again", file=sys.stderr)
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
