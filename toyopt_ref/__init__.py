"""Reference solution of the "Optimisation and Learning" tutorial pipeline.

Modules mirror the tutorial's sections: `data` (four toy datasets and the
train/test split), `plotting`, `model` (the 2-5-1 network), `losses`,
`training` (the five training steps). The four exercise functions
(`data.spiral_2d`, `plotting.plot_datasets`, `losses.circular_mse`,
`training.epoch_loop`) are written inside ``### BEGIN SOLUTION`` /
``### END SOLUTION`` regions: `toyopt release` turns them into the student
stubs of `exercises/`.

This package imports nothing from `toyopt` (the tooling) so that its generated
copy runs on its own inside the grading sandbox.
"""

from .errors import InvalidInputError

__all__ = ["InvalidInputError"]
