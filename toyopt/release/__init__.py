"""Generated student material: `exercises/` (and, later, the notebook).

Solutions are written once, in `toyopt_ref`, inside ``### BEGIN SOLUTION`` /
``### END SOLUTION`` regions; this package turns them into stubs.
"""

from .stubs import SolutionRegionError, render_exercises, stale_files, write_exercises  # noqa: F401  (re-exported)
