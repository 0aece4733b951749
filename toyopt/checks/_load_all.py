"""Importing this module registers every check, exercise by exercise."""

from . import spiral, plotting, circular_mse, epoch_loop, convergence  # noqa: F401
