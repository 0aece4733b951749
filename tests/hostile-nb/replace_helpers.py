"""A solution cell replaces the test-cell helper, AssertionError and builtins."""
BASE, SOLVED = "release", ()
CODE = '''
import builtins, sys, types
fake = types.ModuleType("toyopt_check.cells")
fake.run = lambda *a, **k: None
sys.modules["toyopt_check.cells"] = fake
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.NotImplementedError = type("NotImplementedError", (Exception,), {})
run = lambda *a, **k: None
'''


def make(nb, ctx):
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "spiral_2d")
    cell.source += "\n" + CODE
