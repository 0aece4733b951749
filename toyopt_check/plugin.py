"""The autograder as a pytest plugin: ``pytest autograder``.

``autograder/conftest.py`` loads it. One test per check (see
``autograder/test_exercises.py``), a score table at the end, Gradescope's
results.json on request::

    pytest autograder                          # grades ./exercises
    pytest autograder --target toyopt_ref      # grades the reference solution
    pytest autograder --submission PATH        # grades PATH/exercises
    pytest autograder --results results.json   # also writes Gradescope's file

A failing check fails its test with the message for the student only (no
grader traceback). Each exercise has a time budget for its student code;
once it is used up, the exercise's remaining checks fail at once with the
same message.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .checks.core import CheckResult, Run
from .checks.results import score_table, to_gradescope
from .checks.target import DEFAULT_BUDGET, InProcessTarget, check_budget
from .files import write_json_atomic
from .inside.errors import ConfigurationError

TARGETS = ("exercises", "toyopt_ref")

TARGET_HELP = ("what to grade: 'exercises' (the exercises/ package in the current folder, "
               "the default) or 'toyopt_ref' (the reference solution)")
SUBMISSION_HELP = "grade PATH/exercises instead of ./exercises (PATH holds an exercises/ package)"
RESULTS_HELP = "also write Gradescope's results.json to FILE"
TIME_BUDGET_HELP = (f"seconds of student code allowed per exercise, summed over its checks "
                    f"(default: {DEFAULT_BUDGET:g})")


class Settings:
    """The plugin's options, validated once (see `settings_from`)."""

    def __init__(self, target, root, results, budget):
        self.target = target  # "exercises" | "toyopt_ref"
        self.root = root  # folder holding exercises/ (None for the reference)
        self.results = results  # Path or None
        self.budget = budget


def settings_from(config) -> Settings:
    """Resolve the options; raise `pytest.UsageError` naming the bad one."""
    target = config.getoption("autograder_target")
    submission = config.getoption("autograder_submission")
    results = config.getoption("autograder_results")
    raw_budget = config.getoption("autograder_time_budget")
    try:
        budget = check_budget(raw_budget, "--time-budget")
    except ConfigurationError as exc:
        raise pytest.UsageError(str(exc)) from None
    if submission is not None and target == "toyopt_ref":
        raise pytest.UsageError("--submission grades a student folder; it cannot be combined "
                                "with --target toyopt_ref")
    results = Path(results) if results else None
    if target == "toyopt_ref":
        return Settings(target, None, results, budget)
    if submission is not None:
        candidates = [Path(submission)]
        where = f"--submission {submission}"
    else:
        candidates = [Path(config.invocation_params.dir), Path(config.rootpath)]
        where = "the current folder"
    for root in candidates:
        if (root / "exercises").is_dir():
            return Settings(target, root.resolve(), results, budget)
    message = (f"no exercises/ folder found in {where} ({candidates[0].resolve()}): run "
               "`pytest autograder` from the folder that holds exercises/, or pass "
               "--submission PATH (a folder holding exercises/)")
    if results is not None:  # Gradescope still gets a readable result
        write_json_atomic(results, {"score": 0, "max_score": 0, "execution_time": 0,
                                    "output": message, "visibility": "visible",
                                    "stdout_visibility": "hidden", "tests": []})
    raise pytest.UsageError(message)


class Grading:
    """Session state: the target (built on first use), the results so far,
    and one `Run` of the checks (time budgets, stubs, required checks)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.results: list[CheckResult] = []
        self.started = time.perf_counter()
        self._run = None

    @property
    def target(self):
        if self._run is None:
            if self.settings.target == "toyopt_ref":
                target = InProcessTarget.reference(budget=self.settings.budget)
            else:
                target = InProcessTarget.for_package(self.settings.root, budget=self.settings.budget)
            self._run = Run(target)
        return self._run.target

    def run(self, chk) -> CheckResult:
        self.target  # noqa: B018  (built on first use)
        res = self._run.run(chk)
        self.results.append(res)
        return res


_GRADING = pytest.StashKey[Grading]()


def pytest_addoption(parser):
    group = parser.getgroup("autograder", "toyopt autograder")
    group.addoption("--target", dest="autograder_target", choices=TARGETS, default="exercises",
                    help=TARGET_HELP)
    group.addoption("--submission", dest="autograder_submission", metavar="PATH", default=None,
                    help=SUBMISSION_HELP)
    group.addoption("--results", dest="autograder_results", metavar="FILE", default=None,
                    help=RESULTS_HELP)
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
    what = {"toyopt_ref": "the reference solution (toyopt_ref)"}.get(
        grading.settings.target, str(grading.settings.root / "exercises") if grading.settings.root else "")
    terminalreporter.write_sep("=", "autograder score")
    terminalreporter.write_line(f"graded: {what}")
    for line in score_table(grading.results).splitlines():
        terminalreporter.write_line(line)
    if grading.settings.results is not None:
        terminalreporter.write_line(f"Gradescope results written to {grading.settings.results}")
