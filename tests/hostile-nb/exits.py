"""Solved, but cells call sys.exit and kill their own process (os._exit, SIGKILL)."""
import nbformat

BASE, SOLVED = "source", "all"


def make(nb, ctx):
    for code in ("import sys\nsys.exit(3)", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                 "import os\nos._exit(1)"):
        nb.cells.append(nbformat.v4.new_code_cell(code))
