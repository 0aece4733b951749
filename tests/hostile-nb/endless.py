"""Solved, with an endless cell (it never yields to the kernel)."""
import nbformat

BASE, SOLVED = "source", "all"


def make(nb, ctx):
    nb.cells.insert(5, nbformat.v4.new_code_cell("while True:\n    pass"))
