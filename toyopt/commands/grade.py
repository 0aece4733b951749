"""Grade submissions in a sandbox: Gradescope results.json, a CSV gradebook, feedback pages.

    toyopt grade SUBMISSION                              # print the score table
    toyopt grade SUBMISSION --results results.json       # Gradescope's file
    toyopt grade SUB1 SUB2 ... --out-dir graded [--jobs N] [--csv grades.csv] [--force]

A SUBMISSION is a folder holding an exercises/ package, the exercises/ folder, a .zip
of either, or a notebook. Exit status 0 whenever grading worked, whatever the scores;
2 when it refused: no working bubblewrap without --allow-fallback, or a worker's
canary could open an instructor's file (--results then says so, score 0).
"""

import sys

RESULTS_HELP = "write Gradescope's results.json for the (single) submission to FILE"
OUT_DIR_HELP = "write DIR/<name>/results.json and feedback.html per submission, and DIR/grades.csv"
CSV_HELP = "path of the CSV gradebook (default: DIR/grades.csv; needs --out-dir)"
JOBS_HELP = "submissions graded in parallel (default: the number of cores)"
TIMEOUT_HELP = "seconds of student code allowed per exercise (default: %(default)s)"
NO_FIGURES_HELP = "leave the pictures out of feedback.html (faster; they need --out-dir)"
FORCE_HELP = "grade again submissions whose results.json already exists in --out-dir"
ALLOW_FALLBACK_HELP = ("grade without bubblewrap (student code as its own uid) when bubblewrap "
                       "does not work here; grading still refuses if that uid can open the "
                       "instructor's files")
HIDE_HELP = ("a folder the student's code must not reach (more than once; the cwd, toyopt, "
             "toyopt_ref and the results' folder always are)")


def add_arguments(parser):
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    parser.add_argument("--results", metavar="FILE", help=RESULTS_HELP)
    parser.add_argument("--out-dir", metavar="DIR", help=OUT_DIR_HELP)
    parser.add_argument("--csv", metavar="FILE", help=CSV_HELP)
    parser.add_argument("--jobs", type=int, metavar="N", help=JOBS_HELP)
    from toyopt_check.checks.target import DEFAULT_BUDGET

    parser.add_argument("--timeout", type=float, default=DEFAULT_BUDGET, metavar="S",
                        help=TIMEOUT_HELP)
    parser.add_argument("--force", action="store_true", help=FORCE_HELP)
    parser.add_argument("--no-figures", dest="figures", action="store_false", help=NO_FIGURES_HELP)
    parser.add_argument("--allow-fallback", action="store_true", help=ALLOW_FALLBACK_HELP)
    parser.add_argument("--hide", action="append", default=[], metavar="DIR", help=HIDE_HELP)


def run(args):
    from toyopt.grading.cli import grade_command

    return grade_command(args.submissions, results=args.results, out_dir=args.out_dir,
                         csv_path=args.csv, jobs=args.jobs, timeout=args.timeout,
                         force=args.force, figures=args.figures, allow_fallback=args.allow_fallback,
                         hide=tuple(args.hide), stdout=sys.stdout, stderr=sys.stderr)
