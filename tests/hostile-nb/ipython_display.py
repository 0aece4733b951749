"""A cell hides every error: custom exception handler, showtraceback replaced."""
BASE, SOLVED = "release", ()
CODE = '''
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
ip.showtraceback = lambda *a, **k: None
ip.showsyntaxerror = lambda *a, **k: None
'''


def make(nb, ctx):
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "spiral_2d")
    cell.source += "\n" + CODE
