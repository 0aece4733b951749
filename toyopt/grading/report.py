"""Grade one submission in the sandbox: :func:`grade_submission` -> :class:`GradeReport`.

Every outcome is a report: a submission that cannot be read, or a grader that
fails on it, gives a report whose checks all say so (status ``error``), so that
a results file is always written (a file that is not a submission too: its
message says what to submit).  Only an unfit sandbox (the worker's canary,
measured before any student code runs) raises: :class:`SandboxBroken`.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt.sandbox import Limits, SandboxBroken, materialise
from toyopt.sandbox.submission import scratch_parent, shown
from toyopt_check.checks.core import CheckResult, all_checks
from toyopt_check.checks.results import exercise_totals, total
from toyopt_check.checks.target import DEFAULT_BUDGET
from toyopt_check.inside.errors import SubmissionError

from .target import SandboxSession, SandboxTarget

#: characters of student output kept in a report (each stream)
OUTPUT_CHARS = 2000


@dataclass(frozen=True)
class Figure:
    """A picture for the feedback: PNG bytes drawn in the trusted process."""

    exercise: str
    caption: str
    png: bytes = field(repr=False)
    alt: str = ""                        #: text for screen readers (default: the caption)


@dataclass(frozen=True)
class GradeReport:
    """The grading of one submission (plain data; see `toyopt_check.checks.results`
    and `feedback` for its serialisations)."""

    submission: str                      #: name: folder / file stem
    source: str                          #: the path given
    results: tuple[CheckResult, ...]
    score: float
    max_score: float
    execution_time: float                #: seconds, wall
    notes: tuple[str, ...] = ()          #: for staff: isolation, restarts, skipped files
    output: str = ""                     #: summary of what the student's code printed
    figures: tuple[Figure, ...] = ()
    error: str = ""                      #: set when the submission could not be graded
    isolation: dict = field(default_factory=dict)  #: what held (`Worker.isolation_facts`)

    @property
    def isolation_line(self) -> str:
        """One sentence for results.json and feedback.html: how the code was contained."""
        return isolation_line(self.isolation)

    @property
    def totals(self) -> dict[str, dict]:
        """``{exercise: {"score", "max_score", "passed", "checks"}}``."""
        return exercise_totals(self.results)


def isolation_line(facts: dict) -> str:
    if not facts:
        return "isolation: unknown (the code did not run)"
    sandbox = {"bwrap": "bubblewrap", "fallback-uid": "NO bubblewrap (own uid + rlimits only)",
               "plain": "NO sandbox (plain subprocess, rlimits only)"}.get(
        facts.get("sandbox"), str(facts.get("sandbox")))
    return (f"isolation: {sandbox}; uid {facts.get('uid')}; cgroup {facts.get('cgroup')}; "
            f"seccomp {'yes' if facts.get('seccomp') else 'NO'}")


def submission_name(path) -> str:
    """``alice`` for ``alice/``, ``alice.zip``, ``alice.ipynb`` or ``alice/exercises``."""
    path = Path(path).resolve()
    if path.name == "exercises" and path.is_dir():
        path = path.parent
    return path.stem if path.is_file() else path.name


def _text(text: str) -> str:
    """`text` that can be written as UTF-8 (lone surrogates of odd file names escaped)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def failed_report(path, message: str, seconds: float = 0.0, name: str | None = None,
                  notes=()) -> GradeReport:
    """A report whose every check is an error saying `message` (score 0)."""
    message = _text(message)
    results = tuple(CheckResult(id=c.id, exercise=c.exercise, title=c.title, score=0.0,
                                max_score=c.points, status="error", message=message,
                                visibility=c.visibility)
                    for c in all_checks())
    score, max_score = total(results)
    return GradeReport(shown(name or submission_name(path)), shown(str(path)), results, score,
                       max_score, seconds, tuple(_text(n) for n in notes),
                       error=message)


def _output_summary(target: SandboxTarget) -> str:
    lines = []
    for label, index in (("stdout", 0), ("stderr", 1)):
        captured = [pair[index] for pair in target.captured()]
        written = sum(c.total_bytes for c in captured)
        if not written:
            continue
        head = "".join(c.head for c in captured)[:OUTPUT_CHARS]
        note = f"your code wrote {written} bytes to {label}"
        if written > len(head.encode("utf-8", "replace")):
            note += f" (the first {len(head)} characters are shown)"
        lines.append(f"{note}:\n{head}")
    return "\n\n".join(lines)


def grade_submission(path, *, timeout: float = DEFAULT_BUDGET, limits: Limits | None = None,
                     isolation: str = "auto", hide=(), name: str | None = None,
                     figures: bool = True, checks=None) -> GradeReport:
    """Grade the submission at `path` (folder, ``exercises/`` folder, zip or
    notebook) in a sandboxed worker; `timeout` is each exercise's budget of
    seconds of student code (both validated where they enter: `toyopt grade`).
    Any exception but :class:`SandboxBroken` (see the module's docstring) becomes
    a failed report; staff find the traceback in its notes."""
    path = Path(path)
    name = shown(name or submission_name(path))
    start = time.perf_counter()
    notes: list[str] = []
    with scratch_parent("toyopt-grade-") as parent:  # removed after the report is made
        try:
            return _grade(path, name, parent, start, notes, timeout=timeout, limits=limits,
                          isolation=isolation, hide=hide, figures=figures, checks=checks)
        except SandboxBroken:  # the environment's fault, seen before any student code ran: no grade
            raise
        except Exception as exc:
            notes.append("".join(traceback.format_exception(exc)))
            return failed_report(path, "the grader failed on this submission (staff have the "
                                 "details)", time.perf_counter() - start, name, notes=notes)


def _grade(path: Path, name: str, scratch_parent: str, start: float, notes: list, *, timeout,
           limits, isolation, hide, figures, checks) -> GradeReport:
    """`grade_submission`'s work; `notes` (for staff) fills as it goes."""
    try:
        submission = materialise(path, scratch_parent)
    except SubmissionError as exc:
        return failed_report(path, f"the submission could not be read: {exc}",
                             time.perf_counter() - start, name)
    notes += submission.notes
    with SandboxSession(submission.scratch_dir, budget=timeout, limits=limits, isolation=isolation,
                        hide=hide) as session:
        results = session.run(checks)
        facts, target = session.facts, session.target
        pictures = ()
        if figures:
            try:  # a failure here loses pictures, never results
                from .figures import draw_figures  # matplotlib only when asked

                pictures = draw_figures(target, results, notes)
            except Exception as exc:
                notes.append("figures omitted: " + "".join(traceback.format_exception(exc)))
    notes.insert(0, ("WARNING: " if facts.get("sandbox") != "bwrap" else "")
                 + isolation_line(facts))
    notes.extend(facts.get("notes", []))
    if target.restarts:
        notes.append(f"the worker was restarted {target.restarts} time(s)")
    score, max_score = total(results)
    return GradeReport(name, shown(str(path)), results, score, max_score,
                       time.perf_counter() - start, tuple(notes), _output_summary(target),
                       tuple(pictures), isolation=facts)
