"""Property checks of the four exercises, written once for every front-end.

See `core` for the framework. Check modules (one per exercise) register
their checks with the `core.check` decorator when imported.
"""

from .core import (  # noqa: F401
    EXERCISES, EXERCISE_MODULES, GRADING, Check, CheckFailure, CheckResult, ExerciseError,
    ExerciseTimeout, NotImplementedYet, StudentException, Target, all_checks, check,
    run_check, run_checks,
)
