"""The instructor's hidden checks. Importing this package registers its modules
with ``toyopt_check.checks.all_checks``: every instructor's route imports it first.
"""

import pkgutil

from toyopt_check.checks.core import add_check_modules

add_check_modules(*(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__)))
