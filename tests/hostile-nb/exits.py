"""Solved, but cells call sys.exit and kill their own process (os._exit, SIGKILL)."""
import nbformat

BASE, SOLVED = "source", "all"


def shorten_training(nb):
    """The demo training cell is no exercise: fewer epochs keep CI time down."""
    for cell in nb.cells:
        cell.source = cell.source.replace("epochs = 1000", "epochs = 20")


def make(nb, ctx):
    shorten_training(nb)
    for code in ("import sys\nsys.exit(3)", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                 "import os\nos._exit(1)"):
        nb.cells.append(nbformat.v4.new_code_cell(code))
