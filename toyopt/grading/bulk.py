"""Grade many submissions: in parallel, resumable, never losing one.

Each submission is graded in a pool process; its ``results.json`` and
``feedback.html`` are written here, atomically, as soon as it is done, and a
re-run skips those whose ``results.json`` exists for the same source
(``SOURCE_FILE``), unless `force`.  Submissions a dead pool process may have
held are retried one at a time; one that breaks its process again gets a
results file saying so.  Result folders never collide (`unique_jobs`).  Ctrl-C
(or SIGTERM) stops the pool, keeps every finished submission's files and writes
a gradebook of those, then re-raises.  Nothing is left behind: pool processes
make their temporary folders in one run folder, removed at the end, and are
stopped by `_stop_pool`.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from toyopt.sandbox import SandboxBroken, cgroups, launcher
from toyopt.sandbox.submission import scratch_parent
from toyopt_check.checks.core import EXERCISES
from toyopt_check.checks.results import to_gradescope
from toyopt_check.files import write_json_atomic, write_text_atomic
from toyopt_check.inside.errors import ConfigurationError

from .feedback import render_feedback
from .report import GradeReport, failed_report, grade_submission, submission_name

RESULTS_FILE = "results.json"
FEEDBACK_FILE = "feedback.html"
SOURCE_FILE = ".toyopt-source"
CSV_COLUMNS = ("submission", *EXERCISES, "total")
MAX_NAME = 80


@dataclass(frozen=True)
class Job:
    """One submission to grade and where its files go."""

    source: str
    name: str
    out_dir: str


def results_json(report: GradeReport) -> dict:
    """Gradescope's results.json of a report (the same serialiser as `pytest autograder`)."""
    data = to_gradescope(report.results, report.execution_time, output=report.error or None)
    # for staff only (Gradescope does not show extra_data to students): what contained
    # the code, and the notes (skipped files, restarts, a grader's traceback)
    data["extra_data"] = {"isolation": report.isolation, "isolation_line": report.isolation_line,
                          "notes": list(report.notes)}
    return data


def safe_name(name: str) -> str:
    """A folder name from a submission's name: letters, digits and ``._-``
    (others become ``_``), no leading dot, at most `MAX_NAME` characters."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")[:MAX_NAME]
    return name or "submission"


def unique_jobs(sources, out_dir: Path, reserved=()) -> list[Job]:
    """A job per source, in a folder of `out_dir` named after it, unique against
    every name used before it and `reserved`, ignoring case (``name-2``, ...)."""
    root = Path(out_dir).resolve()
    used = {r.casefold() for r in reserved}
    jobs = []
    for source in sources:
        base = safe_name(submission_name(source))
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name.casefold())
        folder = (root / name).resolve()
        if folder.parent != root:  # a name that is already a symlink in --out-dir resolves elsewhere
            raise ConfigurationError(f"result folder {folder} would be outside --out-dir {root}")
        jobs.append(Job(str(source), name, str(folder)))
    return jobs


def _source_id(source) -> str:
    return str(Path(source).resolve())


def _finished(job: Job) -> bool:
    """The job's results exist, for this same source."""
    folder = Path(job.out_dir)
    try:
        return ((folder / RESULTS_FILE).is_file()
                and (folder / SOURCE_FILE).read_text(encoding="utf-8", errors="replace")
                == _source_id(job.source))
    except OSError:
        return False


def _grade_job(job: Job, options: dict) -> GradeReport:
    """Runs in a pool process."""
    return grade_submission(job.source, name=job.name, **options)


#: seconds a pool process has, after SIGTERM, to stop its sandboxes and leave
STOP_SECONDS = 10.0


@contextmanager
def interrupt_on_sigterm():
    """Within the block, SIGTERM raises KeyboardInterrupt (in the main thread), so
    that it unwinds like Ctrl-C: every ``finally`` runs and nothing is left behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def grade_many(sources, out_dir, *, jobs: int | None = None, force: bool = False,
               csv_path=None, progress: bool = True, grade=_grade_job, **options) -> dict:
    """Grade `sources` into ``out_dir/<name>/``; write the CSV gradebook.

    Returns ``{"graded": n, "skipped": n, "failed": n, "csv": path}``.  `options`
    go to :func:`grade_submission` (``timeout``, ``limits``, ``isolation``...).
    `grade(job, options)` is the function run in each pool process.  The options
    are validated where they enter (`toyopt.commands.grade.grade_command`)."""
    from tqdm import tqdm

    out_dir = Path(out_dir)
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    out_dir.mkdir(parents=True, exist_ok=True)
    options.setdefault("hide", (str(out_dir.resolve()),))
    csv_path = Path(csv_path) if csv_path else out_dir / "grades.csv"
    reserved = [csv_path.name] if csv_path.resolve().parent == out_dir.resolve() else []
    all_jobs = unique_jobs(sources, out_dir, reserved)
    todo = [j for j in all_jobs if force or not _finished(j)]
    counts = {"graded": 0, "skipped": len(all_jobs) - len(todo), "failed": 0}

    bar = tqdm(total=len(todo), unit="submission", desc="grading", disable=not progress,
               dynamic_ncols=True)

    def done(job: Job, report: GradeReport) -> None:
        """The job's files; results.json last, so a folder that has it is complete."""
        folder = Path(job.out_dir)
        (folder / RESULTS_FILE).unlink(missing_ok=True)  # a stale result is not this one
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(folder / SOURCE_FILE, _source_id(job.source))
        try:
            page = render_feedback(report).encode("utf-8", "backslashreplace").decode("utf-8")
        except Exception as exc:
            page = f"<!DOCTYPE html><title>feedback</title><p>no feedback page ({type(exc).__name__})"
        write_text_atomic(folder / FEEDBACK_FILE, page)
        write_json_atomic(folder / RESULTS_FILE, results_json(report))
        counts["graded"] += 1
        counts["failed"] += bool(report.error)
        bar.update(1)

    with scratch_parent("toyopt-bulk-") as run_tmp:  # every temporary folder of the pool
        try:
            with interrupt_on_sigterm():
                retry = _run_pool(todo, jobs, grade, options, done, run_tmp)
                for job in retry:  # one at a time: a crash now is this submission's own
                    leftover = _run_pool([job], 1, grade, options, done, run_tmp)
                    for lost in leftover:
                        done(lost, failed_report(lost.source, "the grader's process died while "
                                                 "grading this submission (staff have been told)",
                                                 name=lost.name))
        except KeyboardInterrupt:  # keep what finished: its files, and a gradebook of it
            bar.close()
            write_gradebook([j for j in all_jobs if _finished(j)], csv_path)
            raise
    bar.close()
    write_gradebook(all_jobs, csv_path)
    counts["csv"] = str(csv_path)
    return counts


def _init_pool_process(tmp: str) -> None:
    """Pool processes leave Ctrl-C to the parent, which stops them with SIGTERM;
    their temporary folders go in the run folder `tmp`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tempfile.tempdir = tmp


def _run_job(grade, job: Job, options: dict) -> GradeReport:
    """`grade(job, options)` in a pool process.  SIGTERM unwinds the job (its
    ``finally`` blocks stop its sandbox and remove its folders); then whatever is
    left is released and the process exits.  Between jobs nothing is left to release:
    SIGTERM's default action ends the process."""
    try:
        with interrupt_on_sigterm():
            return grade(job, options)
    except KeyboardInterrupt:  # only SIGTERM raises it here: SIGINT is ignored
        launcher.release_all()
        os._exit(128 + signal.SIGTERM)


def _run_pool(jobs: list[Job], workers: int, grade, options, done, tmp: str) -> list[Job]:
    """Grade `jobs`; return those lost to a broken pool."""
    if not jobs:
        return []
    lost = []
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                               initializer=_init_pool_process, initargs=(tmp,))
    try:
        futures = {pool.submit(_run_job, grade, job, options): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                report = future.result()
            except BrokenProcessPool:
                lost.append(job)
                continue
            except SandboxBroken:  # the canary found a hole: stop, grade no one
                raise
            except Exception as exc:
                report = failed_report(job.source, f"the grader failed on this submission: "
                                       f"{type(exc).__name__}", name=job.name)
            done(job, report)
    except BaseException:  # Ctrl-C (or a bug here): stop in-flight work now
        _stop_pool(pool)
        raise
    pids = list(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=True)
    cgroups.sweep(pids)  # a pool process that died (a broken pool) left its groups
    return lost


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """SIGTERM every pool process (each stops its sandboxes and removes their
    folders and cgroups: `_run_job`), SIGKILL those still there after
    `STOP_SECONDS` (their sandboxes die with them: bubblewrap's --die-with-parent,
    the fallback supervisor's parent-death signal), then sweep their cgroups."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with suppress(OSError, AttributeError):
            process.terminate()
    end = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(timeout=max(0.0, end - time.monotonic()))
    for process in processes:
        with suppress(OSError, AttributeError, ValueError):
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
    cgroups.sweep(p.pid for p in processes if p.pid)
    pool.shutdown(wait=False, cancel_futures=True)


def gradebook_row(name: str, results: dict) -> dict:
    """A CSV row from a results.json dict: points per exercise (by tag) and total."""
    row = {"submission": name}
    for exercise in EXERCISES:
        points = sum(float(t.get("score", 0)) for t in results.get("tests", [])
                     if exercise in (t.get("tags") or []))
        row[exercise] = f"{points:g}"
    row["total"] = f"{float(results.get('score', 0)):g}"
    return row


def write_gradebook(jobs: list[Job], csv_path: Path) -> Path:
    """The CSV gradebook of every job's results.json (written atomically)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for job in jobs:
        path = Path(job.out_dir) / RESULTS_FILE
        try:
            results = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            results = {"score": 0, "tests": []}
        writer.writerow(gradebook_row(job.name, results))
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(csv_path, buffer.getvalue())
    return csv_path
