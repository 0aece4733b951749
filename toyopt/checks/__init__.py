"""The instructor's hidden checks (`plot_datasets_hidden`, `convergence`).

The framework and the visible checks live in the student runtime,
``toyopt_check.checks``. Importing this package registers the hidden check
modules there, so that ``toyopt_check.checks.all_checks`` lists them too:
every instructor's route (grading, the notebook's hidden cells, the contracts
table) imports it first.
"""

import pkgutil

from toyopt_check.checks.core import add_check_modules

#: instructor-only check modules (hidden checks): every module of this package,
#: found by discovery, registered when `all_checks` runs
HIDDEN_CHECK_MODULES = tuple(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__))
add_check_modules(*HIDDEN_CHECK_MODULES)
