"""Build the Gradescope autograder zip (setup.sh, run_autograder, toyopt's sources).

The command prints the next steps; docs/gradescope.md says the same.
"""


def add_arguments(parser):
    from toyopt_check.checks.target import DEFAULT_BUDGET

    parser.add_argument("out", metavar="OUT.zip", help="path of the zip to write")
    parser.add_argument("--timeout", type=float, default=DEFAULT_BUDGET, metavar="S",
                        help="seconds of student code allowed per exercise (default: %(default)s)")


def run(args):
    from toyopt.grading.bundle import NEXT_STEPS, build_bundle

    path = build_bundle(args.out, timeout=args.timeout)
    print(f"wrote {path}")
    print(NEXT_STEPS.format(zip=path.name))
    return 0
