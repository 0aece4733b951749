"""Generate the nbgrader source notebook of the tutorial from `toyopt_ref`."""

import sys


def add_arguments(parser):
    from toyopt.notebook import DEFAULT_PATH

    parser.add_argument("--out", default=str(DEFAULT_PATH),
                        help="where to write the notebook (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only report whether it is stale; exit 1 if so")


def run(args):
    from toyopt.notebook import is_stale, write

    if args.check:
        if is_stale(args.out):
            print(f"stale: {args.out}\nrun `toyopt notebook` to regenerate", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    print(f"wrote {write(args.out)}")
    return 0
