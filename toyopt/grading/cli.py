"""What `toyopt grade` does, as a library function (the CLI only parses)."""

from __future__ import annotations

from pathlib import Path

from toyopt.files import write_json_atomic
from toyopt_check.checks.results import score_table
from toyopt_check.checks.target import check_budget
from toyopt_check.inside.errors import ConfigurationError


def grade_command(submissions, *, results=None, out_dir=None, csv_path=None, jobs=None,
                  timeout: float, force: bool = False, figures: bool = True, stdout, stderr,
                  **options) -> int:
    """Validate the options (a `ConfigurationError` names the bad one), grade, report."""
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
    from .report import check_sandbox

    # an environment fault (hidden interpreter, failing bwrap, no torch inside) stops
    # here, once, before any grade is written: SandboxBroken -> exit status 2
    hide_now = (str(Path(out_dir).resolve()),) if out_dir is not None else tuple(
        str(Path(p).resolve().parent) for p in (results,) if p)
    with interrupt_on_sigterm():
        check_sandbox(isolation=options.get("isolation", "auto"), limits=options.get("limits"),
                      hide=hide_now)
    if out_dir is not None:
        from .bulk import grade_many

        try:
            counts = grade_many(submissions, out_dir, jobs=jobs, force=force,
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

    hide = tuple(str(Path(p).resolve().parent) for p in (results,) if p)
    # one submission writes no feedback.html (score table / results.json): no pictures
    with interrupt_on_sigterm():  # SIGTERM unwinds as Ctrl-C does: nothing left behind
        report = grade_submission(submissions[0], timeout=timeout, hide=hide, figures=False,
                                  **options)
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
