"""Generate the student material from the reference `toyopt_ref`."""

import sys


def add_arguments(parser):
    parser.add_argument("kit", nargs="?", default=None, metavar="KIT",
                        help="write the student kit to the folder KIT and KIT.zip")
    parser.add_argument("--out", default="exercises", help="folder of the student package (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")


def run(args):
    from toyopt.release.stubs import stale_files, write_exercises

    if args.check:
        stale = stale_files(args.out)
        for name in stale:
            print(f"stale: {args.out}/{name}", file=sys.stderr)
        if stale:
            print("run `toyopt release` to regenerate", file=sys.stderr)
            return 1
        print(f"{args.out}/ is up to date")
        return 0
    if args.kit is not None:
        from toyopt.release.kit import write_kit

        folder, archive = write_kit(args.kit)
        print(f"wrote the student kit to {folder}/ and {archive}")
        return 0
    written = write_exercises(args.out)
    print(f"wrote {len(written)} files to {args.out}/")
    return 0
