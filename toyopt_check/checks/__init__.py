"""Property checks of the four exercises, written once for every front-end.

`core` is the framework; one module per exercise, named after it, holds its
visible checks; the instructor's ``toyopt.checks`` adds the hidden ones.
"""

from .core import EXERCISES, all_checks, run_checks

__all__ = ["EXERCISES", "all_checks", "run_checks"]
