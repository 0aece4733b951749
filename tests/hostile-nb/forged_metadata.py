"""Forged cell metadata: points, grade_id, locked, a solution cell made a test cell.

nbgrader itself refuses this notebook (the forged test cell is not in the gradebook):
it is not graded and scores 0, what its genuine work (none) earns."""
BASE, SOLVED = "release", ()


def make(nb, ctx):
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")]
    tests[0].metadata["nbgrader"]["points"] = 1000
    tests[1].metadata["nbgrader"]["locked"] = False
    tests[1].source = "pass"
    tests[2].metadata["nbgrader"]["grade_id"] = tests[3].metadata["nbgrader"]["grade_id"]
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "circular_mse":
            meta.update({"grade": True, "solution": False, "points": 500, "locked": True})
        if meta.get("grade_id") == "epoch_loop":
            meta["grade_id"] = tests[4].metadata["nbgrader"]["grade_id"]
