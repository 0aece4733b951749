"""Property checks of the four exercises, written once for every front-end.

The framework and the visible checks live in the student runtime
(``toyopt_check.checks``: `core`, `results`, `target`, `expect` and one module
per exercise); this package adds the instructor's hidden checks
(`plot_datasets_hidden`, `convergence`), which `all_checks` then lists too, and keeps the old module
names (``toyopt.checks.spiral`` is ``toyopt_check.checks.spiral_2d``, ...).
"""

from toyopt._moved import alias
from toyopt_check.checks import (  # noqa: F401  (re-exported)
    EXERCISE_MODULES,
    EXERCISES,
    Check,
    CheckFailure,
    CheckResult,
    ExerciseError,
    ExerciseTimeout,
    NotImplementedYet,
    StudentException,
    Target,
    add_check_modules,
    all_checks,
    check,
    grading_settings,
    run_check,
    run_checks,
)

#: instructor-only check modules (hidden checks), registered when `all_checks` runs
HIDDEN_CHECK_MODULES = (f"{__name__}.plot_datasets_hidden", f"{__name__}.convergence")
add_check_modules(*HIDDEN_CHECK_MODULES)

alias(__name__, {old: f"toyopt_check.checks.{new}" for old, new in (
    ("core", "core"), ("results", "results"), ("target", "target"), ("expect", "expect"),
    ("spiral", "spiral_2d"), ("plotting", "plot_datasets"), ("circular_mse", "circular_mse"),
    ("epoch_loop", "epoch_loop"), ("_load_all", "_load_all"))})
