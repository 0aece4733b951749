"""Solved, with an endless cell (it never yields to the kernel)."""
import nbformat

BASE, SOLVED = "source", "all"


def shorten_training(nb):
    """The demo training cell is no exercise: fewer epochs keep CI time down."""
    for cell in nb.cells:
        cell.source = cell.source.replace("epochs = 1000", "epochs = 20")


def make(nb, ctx):
    shorten_training(nb)
    nb.cells.insert(5, nbformat.v4.new_code_cell("while True:\n    pass"))
