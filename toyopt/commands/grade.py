"""Grade submissions in a sandbox: Gradescope results.json, a CSV gradebook, feedback pages.

A SUBMISSION is a folder holding an exercises/ package, the exercises/ folder, a .zip
of either, or a notebook. Exit status 0 whenever grading worked, whatever the scores;
2 when it refused: no working bubblewrap without --allow-fallback, or a worker's
canary could open an instructor's file (--results then says so, score 0).
"""

import sys
from pathlib import Path

from toyopt_check.checks.results import score_table
from toyopt_check.checks.target import DEFAULT_BUDGET, check_budget
from toyopt_check.files import write_json_atomic
from toyopt_check.inside.errors import ConfigurationError


def add_arguments(parser):
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    parser.add_argument("--results", metavar="FILE",
                        help="write Gradescope's results.json for the (single) submission to FILE")
    parser.add_argument("--out-dir", metavar="DIR", help="write DIR/<name>/results.json and feedback.html "
                        "per submission, and DIR/grades.csv")
    parser.add_argument("--csv", metavar="FILE",
                        help="path of the CSV gradebook (default: DIR/grades.csv; needs --out-dir)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="submissions graded in parallel (default: the number of cores)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_BUDGET, metavar="S",
                        help="seconds of student code allowed per exercise (default: %(default)s)")
    parser.add_argument("--force", action="store_true",
                        help="grade again submissions whose results.json already exists in --out-dir")
    parser.add_argument("--no-figures", dest="figures", action="store_false",
                        help="leave the pictures out of feedback.html (faster; they need --out-dir)")
    parser.add_argument("--allow-fallback", action="store_true",
                        help="grade without bubblewrap (student code as its own uid) when bubblewrap does "
                        "not work here; grading still refuses if that uid can open the instructor's files")
    parser.add_argument("--hide", action="append", default=[], metavar="DIR",
                        help="a folder the student's code must not reach (more than once; the cwd, toyopt, "
                        "toyopt_ref and the results' folder always are)")


def run(args):
    return grade_command(args.submissions, results=args.results, out_dir=args.out_dir,
                         csv_path=args.csv, jobs=args.jobs, timeout=args.timeout,
                         force=args.force, figures=args.figures, allow_fallback=args.allow_fallback,
                         hide=tuple(args.hide), stdout=sys.stdout, stderr=sys.stderr)


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


def refusal_json(message: str) -> dict:
    """Gradescope's results.json of a refused grading: no test ran, score 0; the
    student reads that it was refused, staff read why in ``extra_data.refused``
    (it names the instructor's files; Gradescope shows students no extra_data)."""
    return {"score": 0, "output": REFUSED_FOR_STUDENTS, "tests": [],
            "extra_data": {"refused": REFUSED + " ".join(message.split())}}


def grade_command(submissions, *, results=None, out_dir=None, csv_path=None, jobs=None,
                  timeout: float, force: bool = False, figures: bool = True, stdout, stderr,
                  allow_fallback: bool = False, **options) -> int:
    """Validate the options, once, here where they enter (a `ConfigurationError`
    names the bad one); grade; report.

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
    from toyopt.grading.bulk import grade_many, interrupt_on_sigterm, results_json
    from toyopt.grading.report import grade_submission
    from toyopt.sandbox import SandboxBroken, bwrap_works

    isolation = options.get("isolation", "auto")
    if not allow_fallback and isolation != "bwrap" and (isolation == "subprocess" or not bwrap_works()):
        raise FallbackRefused(NO_SANDBOX)
    extra = tuple(str(Path(p).resolve()) for p in options.pop("hide", ()))  # absent: unreachable
    if out_dir is not None:
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
