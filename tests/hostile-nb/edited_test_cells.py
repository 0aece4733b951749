"""spiral_2d solved; its test cells deleted, duplicated, or edited to print a pass."""
import copy

BASE, SOLVED = "release", ("spiral_2d",)


def make(nb, ctx):
    src = ctx["source_cells"]
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")]
    spiral = [c for c in tests if c.metadata["nbgrader"]["grade_id"].startswith("test_spiral_2d")]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "spiral_2d":
            cell.source = src["spiral_2d"].source
    nb.cells.remove(spiral[0])                       # deleted
    twin = copy.deepcopy(spiral[1])
    twin["id"] = "twin-of-a-test-cell"
    nb.cells.insert(3, twin)                          # duplicated
    for cell in tests:
        if cell.metadata["nbgrader"]["grade_id"].startswith("test_epoch_loop"):
            cell.source = "print('passed')"           # edited (restored from the gradebook)
