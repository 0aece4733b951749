"""Student messages of the notebook routes: they name the notebook's cells.

The checks word a stub's failure for the package route ("complete
plot_datasets() in exercises/plotting.py"); a notebook student has no such
file. `for_notebook` rewords the results of a notebook submission (the
sandbox already names student frames ``<cell N>``).
"""

from __future__ import annotations

import re
from dataclasses import replace

_PACKAGE_FILE = re.compile(r"complete (\w+)\(\) in exercises/\w+\.py")


def notebook_message(message: str) -> str:
    """`message` with package files replaced by the notebook's solution cell."""
    return _PACKAGE_FILE.sub(r"complete \1() in its solution cell of the notebook", message)


def for_notebook(results):
    """The results with notebook wording (a tuple of `CheckResult`)."""
    return tuple(replace(r, message=notebook_message(r.message)) if r.message else r
                 for r in results)
