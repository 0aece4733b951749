"""The check framework (docs/architecture.md, "How to extend"): a `Check` is a
function ``check(target) -> None`` that reaches student code only through
``target.probe(name, **kwargs)`` (plain data back) and raises `CheckFailure` with
a student-facing message; every front-end calls `run_checks` for `CheckResult`s.
"""

from __future__ import annotations

import functools
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

from ..inside.probes import exercise_of
from ..inside.runtime import EXERCISE_MODULES, StudentCodeError
from .target import Target

#: Exercise names, in the order of the tutorial (the registry's); each owns 25 points.
EXERCISES = tuple(EXERCISE_MODULES)


@functools.cache
def grading_settings():
    """Hypothesis settings for grading: same examples every run, no deadline
    (a slow machine must not cost points), no example database (no state
    carried between runs), no health check that depends on timing. Imported on
    the first property check: its import costs a second, which a self-check on
    untouched stubs never reaches."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "grading",
        derandomize=True,
        deadline=None,
        database=None,
        max_examples=40,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )
    return settings.get_profile("grading")


class CheckFailure(Exception):
    """Raised by a check when the submission gave a wrong answer; the message is
    for the student. `run_check` turns it into a failed `CheckResult` (a notebook
    test cell then raises `toyopt_check.cells.TestCellFailed` with the messages)."""


@dataclass(frozen=True)
class Check:
    """One graded property of one exercise."""

    id: str  # "spiral_2d.layout": unique, stable (appears in results files)
    exercise: str
    title: str  # shown to students: "layout: shapes, dtypes, label order"
    points: float
    func: Callable[[Target], None] = field(repr=False, compare=False)
    visibility: str = "visible"  # Gradescope: visible | hidden | after_due_date | after_published
    device: str = "cpu"  # "cuda" checks are skipped (not failed) without a GPU
    #: the docstring clause this check tests (its words, shortened); docs/contracts.md
    clause: str = ""
    #: ids of the exercise's *primary* checks that must pass before this one scores:
    #: a secondary property (vectorised, reproducible, errors, dtype, legend, ...)
    #: earns nothing on a submission whose values are wrong (a constant is periodic)
    requires: tuple = ()


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check (plain data; serialised in `toyopt_check.checks.results`)."""

    id: str
    exercise: str
    title: str
    score: float
    max_score: float
    status: str  # "passed" | "failed" | "error" | "not_implemented" | "timeout" | "skipped"
    message: str  # for the student
    visibility: str = "visible"
    seconds: float = 0.0
    staff_detail: str = ""  # grader traceback for staff only; never shown to students

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def malformed(exercise: str) -> CheckFailure:
    return CheckFailure(f"{exercise}: the grader got a malformed answer from your code's run")


def probe_results(target: Target, name: str, count: int, **kwargs) -> list:
    """The ``results`` list, one per case, of probe `name`'s reply (its schema holds
    the types, not the count)."""
    results = target.probe(name, **kwargs).get("results")
    if results is None or len(results) != count:
        raise malformed(exercise_of(name))
    return results


def probe_call(target: Target, call: str, name: str, **kwargs) -> dict:
    """Probe `name`, which calls the student's function as `call` shows it: an
    exception that function raised fails the check (a stub or a timeout still
    ends the exercise)."""
    try:
        return target.probe(name, **kwargs)
    except StudentCodeError as exc:
        if not exc.raised:
            raise
        raise CheckFailure(f"{call} raised {exc.message}") from None


def expect_raise(out, call: str, allowed: tuple, why: str, article: str = "a ") -> None:
    """Fail unless the probe's reply `out` (a dict: its schema holds it) reports one of the exceptions `allowed`."""
    raised = out.get("raised")
    names = " or ".join(allowed)
    if raised is None:
        raise CheckFailure(f"{call}: expected a {names} ({why}), but it returned {article}{out.get('returned_type')}")
    if not any(name in raised for name in allowed):
        raise CheckFailure(f"{call}: expected a {names}, got {out.get('message')}")


_REGISTRY: list[Check] = []
#: modules whose import registers checks: each exercise's visible ones, in the module
#: named after it; the instructor's ``toyopt.checks`` adds its hidden ones
_CHECK_MODULES: list[str] = [f"{__package__}.{exercise}" for exercise in EXERCISES]


def add_check_modules(*names: str) -> None:
    """Have `all_checks` also import (and so register the checks of) `names`."""
    _CHECK_MODULES.extend(n for n in names if n not in _CHECK_MODULES)


def check(exercise: str, name: str, points: float, title: str, visibility="visible", device="cpu",
          clause: str = "", requires=()):
    """Decorator registering ``func(target)`` as a check of `exercise`.

    `requires` names checks of the same exercise (short names, ``"values"``)
    that must pass for this one to score; see `run_checks`.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}")

    def register(func):
        suffix = "" if device == "cpu" else f"[{device}]"
        needs = tuple(f"{exercise}.{r}" for r in requires)
        _REGISTRY.append(Check(f"{exercise}.{name}{suffix}", exercise, title, points, func, visibility,
                               device, clause, needs))
        return func

    return register


def all_checks(exercises=EXERCISES) -> list[Check]:
    """Every registered check of `exercises`, grouped by exercise in order: the
    visible ones (this package's) first, then the instructor's, each in the order
    of their modules' source, whichever module happened to be imported first."""
    import importlib

    for name in _CHECK_MODULES:  # imports the check modules once
        importlib.import_module(name)

    def order(chk: Check):
        return not chk.func.__module__.startswith(f"{__package__}.")

    return [c for ex in exercises for c in sorted(_REGISTRY, key=order) if c.exercise == ex]


def _result(chk: Check, status: str, message: str, **more) -> CheckResult:
    return CheckResult(id=chk.id, exercise=chk.exercise, title=chk.title, max_score=chk.points,
                       score=chk.points if status == "passed" else 0.0, status=status, message=message,
                       visibility=chk.visibility, **more)


def run_check(target: Target, chk: Check) -> CheckResult:
    """Run one check; every outcome (even a grader bug) becomes a result."""
    start = time.perf_counter()
    status, message, detail = "passed", "", ""
    try:
        chk.func(target)
    except CheckFailure as exc:
        status, message = "failed", str(exc)
    except StudentCodeError as exc:  # worded where the code was loaded (a file, a cell)
        status = StudentCodeError.KINDS[exc.kind]
        said = f"your code raised {exc.message}" if exc.kind in ("exception", "exit") else exc.message
        message = f"{chk.exercise}: {said}"
    except Exception as exc:  # a grader bug must not lose the other results
        status = "error"
        message = f"{chk.exercise}: the grader could not run this check (staff have the details)"
        detail = "".join(traceback.format_exception(exc))
    return _result(chk, status, message, seconds=time.perf_counter() - start, staff_detail=detail)


#: The message of a check that needs a GPU where there is none: the same on every route.
NO_GPU = "skipped (no GPU): this check needs a CUDA device, and this machine has none"


class Run:
    """Checks run one at a time against one target, with the rules of `run_checks`:
    a CUDA check is skipped without a GPU (``"skipped (no GPU)"``, whether or not the
    exercise is implemented: an exercise's list of checks never depends on its code);
    once an exercise times out, or its first check finds it not implemented (an
    untouched stub), its remaining checks are not run (they score 0 with the same
    status and message); a check whose required checks failed is not run and scores 0.
    The pytest plugin, which runs one check per test, keeps one `Run` for the session."""

    def __init__(self, target: Target, cuda_available: bool | None = None):
        self.target = target
        self._cuda = cuda_available
        self._stop: dict[str, CheckResult] = {}
        self.done: dict[str, CheckResult] = {}

    def _cuda_available(self) -> bool:
        if self._cuda is None:
            import torch

            self._cuda = torch.cuda.is_available()
        return self._cuda

    def stopped(self, exercise: str) -> CheckResult | None:
        """The result that stopped `exercise` (its remaining checks repeat it), or None."""
        return self._stop.get(exercise)

    def run(self, chk: Check) -> CheckResult:
        cause = self._stop.get(chk.exercise)
        if chk.device == "cuda" and not self._cuda_available():
            res = _result(chk, "skipped", NO_GPU)
        elif cause is not None:
            res = _result(chk, cause.status, cause.message)
        else:
            unmet = [r for r in chk.requires if r in self.done and not self.done[r].passed]
            first = not any(r.exercise == chk.exercise and r.status != "skipped" for r in self.done.values())
            if unmet:  # it could score nothing, so it is not run (and its student code costs no time)
                res = _result(chk, "failed", f"{chk.exercise}: not checked yet: this property scores only "
                              f"once {', '.join(unmet)} pass{'es' if len(unmet) == 1 else ''} (the values "
                              "come first: a constant answer would have it too)")
            else:
                res = run_check(self.target, chk)
            if res.status == "timeout" or (first and res.status == "not_implemented"):
                self._stop[chk.exercise] = res
        self.done[res.id] = res
        return res


def run_checks(target: Target, checks: list[Check], cuda_available: bool | None = None) -> list[CheckResult]:
    """Run `checks` in order (see `Run` for the rules) and return their results."""
    session = Run(target, cuda_available)
    return [session.run(chk) for chk in checks]
