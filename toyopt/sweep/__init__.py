"""Train a grid of runs (datasets x losses x inits x learning rates x epochs x seeds) at once.

Writes under ``--out``: ``runs.csv`` (one row per run and epoch budget),
``heatmap_*.png``, ``curves_<dataset>.png`` (median and 5-95 % band over
seeds) and ``summary.md``, which answers the tutorial's questions with the
numbers. The default grid (12,000 runs of 1000 epochs) takes a few minutes on
two CPU cores; ``--seeds``, ``--datasets`` etc. shrink it.

Modules: `config` (the grid and its validation), `engine` (training with
`toyopt.engine.batched` and reduction to rows and bands), `output` (CSV and
figures), `summary` (the Markdown answers).
"""

from pathlib import Path

from .config import DATASETS, DEFAULT_EPOCHS, DEFAULT_LRS, DEFAULT_SEEDS, INITS, LOSSES, SweepConfig, parse_list
from .engine import COLUMNS, SweepResult, run_sweep

DEFAULT_OUT = "toyopt-sweep"
CSV_NAME = "runs.csv"
SUMMARY_NAME = "summary.md"

__all__ = ["COLUMNS", "DATASETS", "DEFAULT_EPOCHS", "DEFAULT_LRS", "DEFAULT_OUT", "DEFAULT_SEEDS",
           "INITS", "LOSSES", "SweepConfig", "SweepResult", "parse_list", "run_sweep", "write_outputs"]


def write_outputs(result, out_dir, command=None):
    """Write the CSV, the figures and ``summary.md`` of `result` into `out_dir`.

    Returns the written paths. Each file is written to a temporary name and
    renamed, so an interrupted call leaves no half-written file.
    """
    from toyopt_check.files import atomic_write

    from .output import write_csv, write_figures
    from .summary import build_summary

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(result, out_dir / CSV_NAME)]
    paths += write_figures(result, out_dir)
    text = build_summary(result, command=command)
    paths.append(atomic_write(out_dir / SUMMARY_NAME, lambda tmp: tmp.write_text(text)))
    return paths
