"""Solved, with a cell that floods its output (stdout, stderr, displays)."""
import nbformat

BASE, SOLVED = "source", "all"
CODE = '''
import sys
for i in range(200000):
    print("flood " * 20)
    sys.stderr.write("err " * 20 + "\\n")
for i in range(200):
    display("x" * 100000)
'''


def make(nb, ctx):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
