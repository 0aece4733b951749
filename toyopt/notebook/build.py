"""Assemble the nbgrader source notebook from `notebook.md`, `toyopt_ref` and the checks.

`notebook.md` holds the notebook in order: the text and code cells, and where
definitions are copied from the reference (`source.Namespace.copy`), where the
exercises go and where the hand-graded answers go. An exercise becomes an
nbgrader solution cell (a plain top-level ``def`` with its ``### BEGIN
SOLUTION`` region, so that nbgrader strips the solution on release and
`toyopt grade` can extract the function), then one autograded test cell per
check (hidden checks inside ``### BEGIN HIDDEN TESTS``).

Check ids, titles, points and visibility come from `all_checks()` when the
notebook is generated; nothing is hard-coded here. Only CPU checks are
included: nbgrader grades on whatever machine runs `autograde`, and a skipped
CUDA check would cost points there.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import v4

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt_check.checks import EXERCISES, all_checks
from toyopt_check.inside.errors import ConfigurationError
from toyopt_check.inside.runtime import EXERCISE_MODULES

from .source import Namespace, definitions

#: The notebook's text and code, in order; its first lines say how to read it.
TEMPLATE = Path(__file__).with_name("notebook.md")
MARKER = re.compile(r"^<!-- (markdown|code|copy|exercise|answer)(?: (.*?))? -->$", re.M)

GENERATED = ("<!-- Generated from toyopt_ref by `toyopt notebook` (toyopt/notebook/). "
             "For the course's instructors: regenerate this notebook rather than edit it. -->")
TESTS = ("The cells below test your function. A test that fails prints what it tried, what it\n"
         "expected and what came back.")
#: Points of each hand-graded answer.
ANSWER_POINTS = 2


def grade_id(text: str) -> str:
    """A name nbgrader and nbformat accept as an id (letters, digits, _ and -)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")


def notebook_checks(exercise: str):
    """The checks of `exercise` that get a test cell (CPU checks only)."""
    return [c for c in all_checks([exercise]) if c.device == "cpu"]


def exercise_points(exercise: str) -> float:
    return sum(c.points for c in notebook_checks(exercise))


def check_hidden_ids(hidden) -> frozenset:
    """`hidden` as a set of known CPU check ids (an unknown id is a configuration error)."""
    hidden = frozenset(hidden)
    known = {c.id for ex in EXERCISES for c in notebook_checks(ex)}
    unknown = sorted(hidden - known)
    if unknown:
        raise ConfigurationError(f"unknown check id {unknown[0]!r} to hide (known: {', '.join(sorted(known))})")
    return hidden


def grading_cell_source(chk, hidden=()) -> str:
    """The code of the test cell of check `chk`: hidden (in a hidden region) when the
    registry marks it not visible or `hidden` names it."""
    call = f"run({chk.exercise!r}, globals(), ids=[{chk.id!r}])".replace("'", '"')
    if chk.visibility == "visible" and chk.id not in hidden:
        return (f"# Test {chk.exercise}: {chk.title} ({chk.points:g} points)\n"
                f"from toyopt_check.cells import run\n\n{call}")
    # the hidden checks are the instructor's (``toyopt.checks``): imported inside the
    # hidden region, which nbgrader and the kit remove from what students get
    return (f"# Hidden test of {chk.exercise} ({chk.points:g} points): it runs when your notebook is graded.\n"
            f"from toyopt_check.cells import run\n\n"
            f"### BEGIN HIDDEN TESTS\nimport toyopt.checks  # noqa: F401  (the instructor's hidden checks)\n"
            f"{call}\n### END HIDDEN TESTS")


class _Builder:
    def __init__(self, hidden):
        self.cells = []
        self.ns = Namespace()
        self.hidden = hidden

    def _add(self, cell, cell_id, **nbgrader):
        """Append `cell`; with `nbgrader` settings it is an nbgrader cell whose grade id is `cell_id`."""
        cell["id"] = cell_id
        if nbgrader:
            cell.metadata["nbgrader"] = {"grade_id": cell_id, "schema_version": 3, **nbgrader}
        self.cells.append(cell)

    def md(self, text):
        self._add(v4.new_markdown_cell(text), f"md-{len(self.cells):02d}")

    def code(self, source):
        self.ns.define(source)
        self._add(v4.new_code_cell(source), f"code-{len(self.cells):02d}")

    def exercise(self, exercise):
        module = EXERCISE_MODULES[exercise]
        source = definitions(module)[exercise][0]
        imports, deps = self.ns.needs(source, module)
        if imports or deps:  # the solution cell stays a plain def: what it uses goes just before
            parts = ["\n".join(imports)] if imports else []
            parts += [src for src, _ in deps]
            self.code("# Names the next function uses\n" + "\n\n\n".join(parts))
        self.ns.define(source)
        self._add(v4.new_code_cell(source), exercise, grade=False, locked=False, solution=True)
        checks = notebook_checks(exercise)
        if checks:
            self.md(TESTS)
        for chk in checks:
            self._add(v4.new_code_cell(grading_cell_source(chk, self.hidden)), grade_id(f"test_{chk.id}"),
                      grade=True, locked=True, points=chk.points, solution=False)

    def answer(self, key, guide):
        self._add(v4.new_markdown_cell(guide), f"answer_{key}", grade=True, locked=False,
                  points=ANSWER_POINTS, solution=True)


def template_cells(text: str) -> list[tuple[str, str, str]]:
    """``[(kind, argument, body)]`` of the cells of `TEMPLATE`'s `text`."""
    parts = MARKER.split(text)[1:]
    return [(kind, arg or "", body.strip("\n")) for kind, arg, body in zip(parts[::3], parts[1::3], parts[2::3])]


def build_notebook(hidden=()):
    """The source notebook as an `nbformat.NotebookNode` (no outputs).

    `hidden`: ids of checks to put in hidden test regions besides those the
    registry marks as not visible (a course may keep more of them hidden).
    """
    b = _Builder(check_hidden_ids(hidden))
    for kind, arg, body in template_cells(TEMPLATE.read_text(encoding="utf-8")):
        if kind == "markdown":
            b.md(body)
        elif kind == "code":
            b.code(body.removeprefix("```python\n").removesuffix("\n```"))
        elif kind == "copy":
            module, names = arg.split(": ")
            b.code(b.ns.copy(module, names.split(", ")))
        elif kind == "exercise":
            b.md(body.format(points=f"{exercise_points(arg):g}"))
            b.exercise(arg)
        else:
            b.answer(arg, body)
    b.cells[0].source = GENERATED + "\n\n" + b.cells[0].source

    nb = v4.new_notebook(cells=b.cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["toyopt"] = {"generated_by": "toyopt notebook", "source": "toyopt_ref"}
    nbformat.validate(nb)
    return nb
