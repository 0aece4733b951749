"""Property checks of the four exercises, written once for every front-end.

See `core` for the framework. Check modules (one per exercise, named after
it) register their checks with the `core.check` decorator when imported;
`all_checks` imports them. These are the visible checks, the ones a student
runs; the instructor's ``toyopt.checks`` adds the hidden ones.
"""

from .core import (  # noqa: F401  (the package's API: the framework's names)
    EXERCISES,
    Check,
    CheckFailure,
    CheckResult,
    add_check_modules,
    all_checks,
    check,
    grading_settings,
    run_check,
    run_checks,
)
