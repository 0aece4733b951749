"""The autograder as a pytest plugin: ``pytest autograder``.

``autograder/conftest.py`` loads it: one test per check (``autograder/test_exercises.py``),
a score table at the end, Gradescope's results.json on request::

    pytest autograder                          # grades ./exercises
    pytest autograder --target toyopt_ref      # grades the reference solution
    pytest autograder --submission PATH        # grades PATH/exercises
    pytest autograder --results results.json   # also writes Gradescope's file

A failing check fails its test with the message for the student only (no grader
traceback); a check that repeats its exercise's stop (a stub, the budget used up) is
"not run", so an untouched exercise prints one message, not one per check.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .checks.core import CheckResult, Run
from .checks.results import exercise_totals, score_table, to_gradescope
from .checks.target import DEFAULT_BUDGET, InProcessTarget, check_budget
from .files import write_json_atomic
from .inside.errors import ConfigurationError

TARGETS = ("exercises", "toyopt_ref")
#: ``{exercise: {"visible": points, "hidden": points}}``, written into the kit's wheel by
#: `toyopt release` (the instructor's side knows the hidden checks; this side, only counts)
GRADING_POINTS = Path(__file__).resolve().parent / "checks" / "grading_points.json"
#: pytest's report of a check not run because its exercise was stopped (see `Grading.run`)
NOT_RUN = ("not run", "n", "NOT RUN")

TARGET_HELP = ("what to grade: 'exercises' (the exercises/ package in the current folder, "
               "the default) or 'toyopt_ref' (the reference solution)")
SUBMISSION_HELP = "grade PATH/exercises instead of ./exercises (PATH holds an exercises/ package)"
RESULTS_HELP = "also write Gradescope's results.json to FILE"
TIME_BUDGET_HELP = f"seconds of student code allowed per exercise, summed over its checks (default: {DEFAULT_BUDGET:g})"


@dataclass(frozen=True)
class Settings:
    """The plugin's options, validated once (see `settings_from`)."""

    root: Path | None  # folder holding exercises/ (None: the reference, --target toyopt_ref)
    results: Path | None
    budget: float


def settings_from(config) -> Settings:
    """Resolve the options; raise `pytest.UsageError` naming the bad one."""
    target = config.getoption("autograder_target")
    submission = config.getoption("autograder_submission")
    results = config.getoption("autograder_results")
    try:
        budget = check_budget(config.getoption("autograder_time_budget"), "--time-budget")
    except ConfigurationError as exc:
        raise pytest.UsageError(str(exc)) from None
    if submission is not None and target == "toyopt_ref":
        raise pytest.UsageError("--submission grades a student folder; it cannot be combined with --target toyopt_ref")
    results = Path(results) if results else None
    if target == "toyopt_ref":
        return Settings(None, results, budget)
    if submission is not None:
        candidates = [Path(submission)]
        where = f"--submission {submission}"
    else:
        candidates = [Path(config.invocation_params.dir), Path(config.rootpath)]
        where = "the current folder"
    for root in candidates:
        if (root / "exercises").is_dir():
            return Settings(root.resolve(), results, budget)
    message = (f"no exercises/ folder found in {where} ({candidates[0].resolve()}): run "
               "`pytest autograder` from the folder that holds exercises/, or pass "
               "--submission PATH (a folder holding exercises/)")
    if results is not None:  # Gradescope still gets a readable result
        write_json_atomic(results, to_gradescope([], 0, output=message))
    raise pytest.UsageError(message)


class Grading:
    """Session state: the target (built on first use), the results so far,
    and one `Run` of the checks (time budgets, stubs, required checks)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.results: list[CheckResult] = []
        self.started = time.perf_counter()
        self._run = None
        #: ids of the checks that repeat the result that stopped their exercise
        self.repeats: set[str] = set()

    def run(self, chk) -> CheckResult:
        if self._run is None:
            root, budget = self.settings.root, self.settings.budget
            self._run = Run(InProcessTarget.reference(budget=budget) if root is None
                            else InProcessTarget.for_package(root, budget=budget))
        repeat = self._run.stopped(chk.exercise) is not None
        res = self._run.run(chk)
        if repeat and res.status != "skipped":
            self.repeats.add(res.id)
        self.results.append(res)
        return res


_GRADING = pytest.StashKey[Grading]()


def pytest_addoption(parser):
    group = parser.getgroup("autograder", "toyopt autograder")
    group.addoption("--target", dest="autograder_target", choices=TARGETS, default="exercises", help=TARGET_HELP)
    group.addoption("--submission", dest="autograder_submission", metavar="PATH", help=SUBMISSION_HELP)
    group.addoption("--results", dest="autograder_results", metavar="FILE", help=RESULTS_HELP)
    group.addoption("--time-budget", dest="autograder_time_budget", metavar="SECONDS",
                    default=DEFAULT_BUDGET, help=TIME_BUDGET_HELP)


def pytest_configure(config):
    if config.option.help or config.option.version:
        return
    import matplotlib

    matplotlib.use("Agg")  # never open a window, whatever the student's code does
    config.stash[_GRADING] = Grading(settings_from(config))


@pytest.fixture(scope="session")
def grading(request) -> Grading:
    return request.config.stash[_GRADING]


def pytest_report_teststatus(report, config):
    """A check that repeats its exercise's stop (not implemented, out of time) is
    "not run": it scores 0 and fails the session, but prints no failure block."""
    grading = config.stash.get(_GRADING, None)
    check_id = report.nodeid.partition("[")[2][:-1]  # test_check[spiral_2d.layout]
    if grading is not None and report.when == "call" and report.failed and check_id in grading.repeats:
        return NOT_RUN
    return None


def hidden_points_lines(results) -> list[str]:
    """``epoch_loop: 18 visible; 7 more in hidden checks at grading (25 in all)``, one
    line per graded exercise, from the kit's `GRADING_POINTS` (none outside a kit)."""
    try:
        points = json.loads(GRADING_POINTS.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    lines = []
    for exercise in exercise_totals(results):
        row = points.get(exercise)
        if row is not None:
            lines.append(f"{exercise}: {row['visible']:g} visible; {row['hidden']:g} more in hidden checks "
                         f"at grading ({row['visible'] + row['hidden']:g} in all)")
    return lines


def pytest_sessionfinish(session):
    grading = session.config.stash.get(_GRADING, None)
    if grading is None or grading.settings.results is None:
        return
    elapsed = time.perf_counter() - grading.started
    write_json_atomic(grading.settings.results, to_gradescope(grading.results, elapsed))


def pytest_terminal_summary(terminalreporter, config):
    grading = config.stash.get(_GRADING, None)
    if grading is None or not grading.results:
        return
    root = grading.settings.root
    what = "the reference solution (toyopt_ref)" if root is None else root / "exercises"
    terminalreporter.write_sep("=", "autograder score")
    terminalreporter.write_line(f"graded: {what}")
    for line in score_table(grading.results).splitlines():
        terminalreporter.write_line(line)
    for line in hidden_points_lines(grading.results):
        terminalreporter.write_line(line)
    if grading.repeats:
        terminalreporter.write_line(f"{len(grading.repeats)} checks not run: their exercise is not implemented "
                                    "yet or ran out of time (they score 0)")
    if grading.settings.results is not None:
        terminalreporter.write_line(f"Gradescope results written to {grading.settings.results}")
