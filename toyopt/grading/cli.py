"""What `toyopt grade` does, as a library function (the CLI only parses)."""

from __future__ import annotations

from pathlib import Path

from toyopt.sandbox import SandboxBroken, bwrap_works
from toyopt_check.checks.results import score_table
from toyopt_check.checks.target import check_budget
from toyopt_check.files import write_json_atomic
from toyopt_check.inside.errors import ConfigurationError

#: `toyopt grade` without bubblewrap (the same refusal as the nbgrader route's)
NO_SANDBOX = ("toyopt: no working bubblewrap (install the 'bubblewrap' package), so submissions "
              "cannot be graded in the sandbox; to grade in the fallback instead (student code "
              "as its own uid, refused unless the instructor's files are unreadable to it), "
              "pass --allow-fallback")
REFUSED = "toyopt refused to grade this submission: "
REFUSED_FOR_STUDENTS = ("The autograder refused to grade this submission: its sandbox is not safe "
                        "on this machine. Nothing was graded; please tell the course staff.")


class FallbackRefused(ConfigurationError):
    """bubblewrap does not work here and the instructor did not allow the fallback."""


def check_isolation(isolation: str, allow_fallback: bool) -> None:
    """Refuse the fallback (`FallbackRefused`) unless `allow_fallback`."""
    if allow_fallback or isolation == "bwrap":
        return
    if isolation == "subprocess" or not bwrap_works():
        raise FallbackRefused(NO_SANDBOX)


def refusal_json(message: str) -> dict:
    """Gradescope's results.json of a refused grading: no test ran, score 0; the
    student reads that it was refused, staff read why in ``extra_data.refused``
    (it names the instructor's files; Gradescope shows students no extra_data)."""
    return {"score": 0, "output": REFUSED_FOR_STUDENTS, "tests": [],
            "extra_data": {"refused": REFUSED + " ".join(message.split())}}


def grade_command(submissions, *, results=None, out_dir=None, csv_path=None, jobs=None,
                  timeout: float, force: bool = False, figures: bool = True, stdout, stderr,
                  allow_fallback: bool = False, **options) -> int:
    """Validate the options (a `ConfigurationError` names the bad one), grade, report.

    Without a working bubblewrap it refuses (`FallbackRefused`) unless
    `allow_fallback`.  Every worker's canary runs before any student code: a hole
    (an instructor's file the student's uid can open) is `SandboxBroken`, raised
    with no grade written; ``--results`` then holds the refusal, score 0."""
    timeout = check_budget(timeout, "--timeout")
    if jobs is not None and jobs < 1:
        raise ConfigurationError(f"invalid --jobs {jobs}: must be >= 1")
    for source in submissions:
        if not Path(source).exists():
            raise ConfigurationError(f"submission not found: {source}")
    if results is not None and out_dir is not None:
        raise ConfigurationError("--results and --out-dir: pick one (--out-dir writes "
                                 "DIR/<name>/results.json)")
    if results is not None and len(submissions) != 1:
        raise ConfigurationError("--results takes one submission; use --out-dir for several")
    if results is not None and Path(results).is_dir():
        raise ConfigurationError(f"--results {results} is a folder; expected a file path")
    if out_dir is None and len(submissions) > 1:
        raise ConfigurationError("several submissions need --out-dir DIR")
    if csv_path is not None and out_dir is None:
        raise ConfigurationError("--csv needs --out-dir")
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise ConfigurationError(f"--out-dir {out_dir} exists and is not a folder")
    from .bulk import interrupt_on_sigterm

    check_isolation(options.get("isolation", "auto"), allow_fallback)
    extra = tuple(str(Path(p).resolve()) for p in options.pop("hide", ()))  # absent: unreachable
    if out_dir is not None:
        from .bulk import grade_many

        try:
            counts = grade_many(submissions, out_dir, jobs=jobs, force=force,
                                hide=(*extra, str(Path(out_dir).resolve())),
                                csv_path=csv_path, timeout=timeout, figures=figures, **options)
        except KeyboardInterrupt:
            gradebook = csv_path or Path(out_dir) / "grades.csv"
            print(f"interrupted: the submissions graded so far are kept in {out_dir}, with a "
                  f"gradebook of them in {gradebook}; run again to grade the rest", file=stderr)
            raise
        print(f"graded {counts['graded']}, skipped {counts['skipped']} already graded, "
              f"{counts['failed']} could not be graded; gradebook: {counts['csv']}", file=stdout)
        return 0
    from .bulk import results_json
    from .report import grade_submission

    hide = (*extra, *(str(Path(p).resolve().parent) for p in (results,) if p))
    # one submission writes no feedback.html (score table / results.json): no pictures
    try:
        with interrupt_on_sigterm():  # SIGTERM unwinds as Ctrl-C does: nothing left behind
            report = grade_submission(submissions[0], timeout=timeout, hide=hide, figures=False,
                                      **options)
    except SandboxBroken as exc:
        if results is not None:
            write_json_atomic(results, refusal_json(str(exc)))
        raise
    if results is not None:
        write_json_atomic(results, results_json(report))
    if report.error and not report.isolation:  # nothing ran: one line says why
        where = f" ({results} says so too)" if results is not None else ""
        print(f"{report.submission}: {report.error}{where}", file=stderr)
        return 0
    print(score_table(report.results), file=stdout)
    print(report.isolation_line, file=stderr)
    if report.error:
        details = " in results.json's extra_data.notes" if results is not None else ""
        print(f"{report.error}{details}", file=stderr)
    return 0
