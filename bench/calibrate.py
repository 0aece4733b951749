"""Calibrate the convergence checks: ``PYTHONPATH=. python bench/calibrate.py --seeds 200``.

Thin wrapper of `toyopt.checks.calibrate.main` (also ``python -m
toyopt.checks.calibrate``): writes docs/calibration.md and
toyopt/checks/thresholds.py (pass ``--dry-run`` to only print the table).
"""

from toyopt.checks.calibrate import main

if __name__ == "__main__":
    raise SystemExit(main())
