"""Writes to the course folder and gradebook.db; reads the source notebook and the
gradebook (hidden tests) and prints them into its outputs."""
BASE, SOLVED = "release", ()
CODE = '''
import os, glob
ROOT = {root!r}
for path in [os.path.join(ROOT, "gradebook.db"), os.path.join(ROOT, "nbgrader_config.py"),
             os.path.join(ROOT, "source", "optimisation_and_learning", "optimisation_and_learning.ipynb")]:
    try:
        print("READ", path, open(path, "rb").read()[:100000])
    except OSError as exc:
        print("no read", path, type(exc).__name__)
    try:
        with open(path, "ab") as f:
            f.write(b"garbage")
        print("WROTE", path)
    except OSError as exc:
        print("no write", path, type(exc).__name__)
for top in ("/tmp", "/work", "/root", "/home", os.path.dirname(ROOT)):
    for path in glob.glob(os.path.join(top, "**", "gradebook.db"), recursive=True)[:5]:
        if "site-packages" not in path:  # nbgrader's wheel ships a test fixture of that name
            print("FOUND", path)
'''


def make(nb, ctx):
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "spiral_2d")
    cell.source += "\n" + CODE.format(root=str(ctx["root"]))
