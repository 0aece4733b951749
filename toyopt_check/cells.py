"""What the notebook's autograded test cells call: the checks of `pytest autograder`,
in-process (the sandboxed route is `toyopt grade`). A test cell reads::

    from toyopt_check.cells import run
    run("spiral_2d", globals(), ids=["spiral_2d.layout"])

`run` prints one line per check and raises `TestCellFailed` with the student-facing
messages when one fails: nbgrader scores the cell 0, else full points. It returns None:
nbgrader would read a cell's value as a partial grade. Nothing reaches stderr on a
correct solution (nbgrader scores a test cell with any stderr output 0): warnings are
silenced and the student's prints discarded.
"""

from __future__ import annotations

import contextlib
import io
import warnings

from .inside.errors import ConfigurationError

#: One target per (namespace, exercise, function object): an exercise's time budget is
#: shared by its test cells, and redefining the function (a fix) starts a fresh one.
_TARGETS: dict = {}


class TestCellFailed(AssertionError):
    """Raised by a notebook test cell whose checks did not all pass: its message (one
    line per failed check) is what the student sees. One check raises
    `toyopt_check.checks.core.CheckFailure` inside the framework instead."""

    __test__ = False  # not a pytest test class, despite its name

    def _render_traceback_(self):
        """IPython's hook for an exception that renders itself: the messages alone, as
        the sandboxed nbgrader route shows them, no grader frame, no test source. (A
        custom exception handler would not do: IPython 9's ``run_code`` drops what it
        returns, and the cell shows nothing.)"""
        return [f"{type(self).__name__}: {self}"]


def select(exercise: str, ids=None):
    """The checks of `exercise` named by `ids` (all of its checks if None), in
    registry order. An unknown exercise or id is a configuration error."""
    from .checks import EXERCISES, all_checks

    if exercise not in EXERCISES:
        raise ConfigurationError(f"unknown exercise {exercise!r}; choose one of {', '.join(EXERCISES)}")
    checks = all_checks([exercise])
    if ids is None:
        return checks
    if isinstance(ids, str):
        ids = [ids]
    known = {c.id for c in checks}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ConfigurationError(f"unknown check {unknown[0]!r} for {exercise} "
                                 f"(known: {', '.join(sorted(known)) or 'none'})")
    return [c for c in checks if c.id in ids]


def _target(namespace, exercise):
    from .checks.target import InProcessTarget

    key = (id(namespace), exercise, id(namespace.get(exercise)))
    if key not in _TARGETS:
        _TARGETS[key] = InProcessTarget.for_namespace(namespace)
    return _TARGETS[key]


def report_line(result) -> str:
    """``passed  spiral_2d: layout (2/2 points)``: one line per check."""
    return f"{result.status:<8s} {result.exercise}: {result.title} ({result.score:g}/{result.max_score:g} points)"


def run(exercise: str, namespace: dict, ids=None) -> None:
    """Grade `exercise` as defined in `namespace`; raise `TestCellFailed` (an
    AssertionError) with the student-facing messages on failure."""
    from .checks import run_checks

    checks = select(exercise, ids)
    target = _target(namespace, exercise)
    with (warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()),
          contextlib.redirect_stderr(io.StringIO())):
        warnings.simplefilter("ignore")
        results = run_checks(target, checks)
    for result in results:
        print(report_line(result))
    failed = [r for r in results if not r.passed]
    if failed:
        messages = "\n".join(r.message or f"{r.exercise}: {r.status}" for r in failed)
        raise TestCellFailed(messages)
