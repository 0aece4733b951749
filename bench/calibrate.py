"""Calibrate the convergence checks: ``PYTHONPATH=. python bench/calibrate.py --seeds 200``.

Thin wrapper of `toyopt.checks.calibrate.main`: writes docs/calibration.md and
toyopt/checks/thresholds.py (pass ``--dry-run`` to only print the table).
"""

import argparse

from toyopt.checks.calibrate import main

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="reference seeds per configuration")
    parser.add_argument("--mutant-seeds", type=int, default=50, help="seeds for the broken implementations")
    parser.add_argument("--dry-run", action="store_true", help="print the table, write nothing")
    args = parser.parse_args()
    main(args.seeds, args.mutant_seeds, write=not args.dry_run)
