"""Probe, not an attack on the score: while nbgrader's sandboxed step runs the
notebook's cells, walk every file the student's code can read and print each one
that holds a solution line of the reference, a hidden check's id or a gradebook
(the probe of ``tests/hostile/walk_for_answers.py``, with the same needles)."""
BASE, SOLVED = "release", ()


def make(nb, ctx):
    import json
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parent.parent
    for folder in (tests, tests / "routes"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    from test_conformance_fallback import HIDDEN_IDS, _b64, _library_lines, solution_lines

    needles = solution_lines() - _library_lines(Path(sys.prefix)) - _library_lines(Path(sys.base_prefix))
    code = (tests / "hostile" / "walk_for_answers.py").read_text()
    values = dict(NEEDLES=_b64(needles), IDS=_b64(HIDDEN_IDS), ROOTS=json.dumps(["/"]), OWN=json.dumps([]))
    for key, value in values.items():
        code = code.replace("{{%s}}" % key, value)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "spiral_2d")
    cell.source += "\n" + code + "\nprint('PROBE-WALK', _walk())\n"
