"""`toyopt sweep`'s library: `config` (the grid and its validation), `engine` (training with
`toyopt.engine.batched`, reduced to rows and bands), `output` (CSV, figures, `write_outputs`)
and `summary` (``summary.md``: the tutorial's questions answered with the numbers).
"""
