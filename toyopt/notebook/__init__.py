"""The tutorial as an nbgrader notebook, generated from `toyopt_ref`.

`build` assembles the source notebook (`notebook.md` holds its text and code,
`source` cuts code out of the reference). Its test cells import
``toyopt_check.cells``, the student runtime's cell helper, so that the release
notebook runs with the kit alone. The committed copy lives at `DEFAULT_PATH`;
`toyopt notebook --check` (and a test) fail when it is stale.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from toyopt_check.files import write_text_atomic

from .build import build_notebook

#: Where the generated source notebook is committed, relative to the repository root.
DEFAULT_PATH = Path("notebooks") / "optimisation_and_learning.ipynb"


def render(hidden=()) -> str:
    """The source notebook as the exact text written to disk (`hidden`: see `build.build_notebook`)."""
    return nbformat.writes(build_notebook(hidden), version=4) + "\n"


def is_stale(path) -> bool:
    """True when `path` is missing or differs from a fresh render."""
    path = Path(path)
    return not path.is_file() or path.read_text(encoding="utf-8") != render()


def write(path) -> Path:
    """Write the source notebook to `path` atomically; return the path."""
    return write_text_atomic(path, render())
