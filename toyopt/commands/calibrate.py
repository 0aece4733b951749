"""Calibrate the convergence checks on the reference and write their thresholds.

Trains the reference over many seeds per configuration, picks each check's
threshold for a false-fail rate under the target, and writes
``docs/calibration.md`` and ``toyopt/checks/thresholds.py`` (library:
`toyopt.calibrate.calibrate`; ``--dry-run`` only prints the table).
"""

from toyopt.commands import library_default


def add_arguments(parser):
    from toyopt.calibrate import calibrate

    parser.add_argument("--seeds", type=int, default=library_default(calibrate, "n_seeds"), metavar="N",
                        help="reference seeds per configuration (default: %(default)s)")
    parser.add_argument("--mutant-seeds", type=int, default=library_default(calibrate, "n_mutant_seeds"),
                        metavar="N", help="seeds for the broken implementations (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="print the table, write nothing")


def run(args):
    from toyopt.calibrate import calibrate

    result = calibrate(n_seeds=args.seeds, n_mutant_seeds=args.mutant_seeds, write=not args.dry_run)
    print(result.markdown)
    return 0
