"""Generate the student package `exercises/` from the reference `toyopt_ref`.

With ``--check``, write nothing and exit 1 when the folder is stale.
"""

import sys


def add_arguments(parser):
    parser.add_argument("--out", default="exercises", help="folder of the student package (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")


def run(args):
    from toyopt.release import stale_files, write_exercises

    if args.check:
        stale = stale_files(args.out)
        for name in stale:
            print(f"stale: {args.out}/{name}", file=sys.stderr)
        if stale:
            print("run `toyopt release` to regenerate", file=sys.stderr)
            return 1
        print(f"{args.out}/ is up to date")
        return 0
    written = write_exercises(args.out)
    print(f"wrote {len(written)} files to {args.out}/")
    return 0
