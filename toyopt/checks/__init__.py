"""The instructor's hidden checks (`plot_datasets_hidden`, `convergence`).

The framework and the visible checks live in the student runtime,
``toyopt_check.checks``. Importing this package registers the hidden check
modules there, so that ``toyopt_check.checks.all_checks`` lists them too:
every instructor's route (grading, the notebook's hidden cells, the contracts
table) imports it first.
"""

from toyopt_check.checks.core import add_check_modules

#: instructor-only check modules (hidden checks), registered when `all_checks` runs
HIDDEN_CHECK_MODULES = (f"{__name__}.plot_datasets_hidden", f"{__name__}.convergence")
add_check_modules(*HIDDEN_CHECK_MODULES)
