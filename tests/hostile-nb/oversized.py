"""An oversized notebook: a 20 MB string in a solution cell and bulky outputs (cleared)."""
BASE, SOLVED = "release", ()


def make(nb, ctx):
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "spiral_2d")
    cell.source += "\nBLOB = '" + "x" * (20 * 2**20) + "'\n"
    cell.outputs = []
