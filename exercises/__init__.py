# Generated from toyopt_ref/__init__.py by `toyopt release`.
# Your copy: complete the functions that raise NotImplementedError.
"""Your exercises for the "Optimisation and Learning" tutorial.

Complete the four functions that raise ``NotImplementedError``:

- `data.spiral_2d`          -- the spiral dataset, vectorised
- `plotting.plot_datasets`  -- one figure with a scatter plot per dataset
- `losses.circular_mse`     -- mean squared error of angles
- `training.epoch_loop`     -- the five steps of training

Each docstring states the contract the autograder holds you to. Check your
work with ``pytest autograder`` from the folder that holds ``exercises/``.
"""

from .errors import InvalidInputError

__all__ = ["InvalidInputError"]
