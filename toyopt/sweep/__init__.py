"""Train a grid of runs (datasets x losses x inits x learning rates x epochs x seeds) at once.

Writes under ``--out``: ``runs.csv`` (one row per run and epoch budget),
``heatmap_*.png``, ``curves_<dataset>.png`` (median and 5-95 % band over
seeds) and ``summary.md``, which answers the tutorial's questions with the
numbers. The default grid (12,000 runs of 1000 epochs) takes a few minutes on
two CPU cores; ``--seeds``, ``--datasets`` etc. shrink it.

Modules: `config` (the grid and its validation), `engine` (training with
`toyopt.engine.batched` and reduction to rows and bands), `output` (CSV,
figures, `write_outputs`), `summary` (the Markdown answers).
"""
