"""Solved, with a cell that floods its output (stdout, stderr, displays)."""
import nbformat

BASE, SOLVED = "source", "all"


def shorten_training(nb):
    """The demo training cell is no exercise: fewer epochs keep CI time down."""
    for cell in nb.cells:
        cell.source = cell.source.replace("epochs = 1000", "epochs = 20")
CODE = '''
import sys
for i in range(200000):
    print("flood " * 20)
    sys.stderr.write("err " * 20 + "\\n")
for i in range(200):
    display("x" * 100000)
'''


def make(nb, ctx):
    shorten_training(nb)
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
