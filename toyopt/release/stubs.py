"""Turn `toyopt_ref` into the student package `exercises/`.

Each solution region becomes ``raise NotImplementedError(...)`` at the
region's indentation; everything else (docstrings stating the contracts,
non-exercise code) is copied unchanged, behind a header that says the file
is generated. `stale_files` compares a folder with what would be generated.
"""

from __future__ import annotations

import re
from pathlib import Path

import toyopt_ref
from toyopt_check.files import write_text_atomic
from toyopt_check.inside.errors import ConfigurationError
from toyopt_check.pack import PACKAGE_FILES

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"

PACKAGE_DOC = '''"""Your exercises for the "Optimisation and Learning" tutorial.

Complete the four functions that raise ``NotImplementedError``:

- `data.spiral_2d`          -- the spiral dataset, vectorised
- `plotting.plot_datasets`  -- one figure with a scatter plot per dataset
- `losses.circular_mse`     -- mean squared error of angles
- `training.epoch_loop`     -- the five steps of training

Each docstring states the contract the autograder holds you to. Check your
work with ``pytest autograder`` from the folder that holds ``exercises/``.
"""
'''

#: The stubs' first lines, read by students: they name the source (for staff) and
#: tell a student what to do, never to edit a file they do not have.
HEADER = ("# Generated from toyopt_ref/{name} by `toyopt release`.\n"
          "# Your copy: complete the functions that raise NotImplementedError.\n")


class SolutionRegionError(ConfigurationError):
    """A solution region is malformed (unclosed, nested, or outside a function)."""


def _enclosing_function(lines, index):
    pattern = re.compile(r"^\s*def\s+(\w+)\s*\(")
    for line in reversed(lines[:index]):
        match = pattern.match(line)
        if match:
            return match.group(1)
    return None


def stub_source(text: str, name: str = "<source>") -> str:
    """`text` with every solution region replaced by a NotImplementedError stub."""
    lines = text.splitlines(keepends=True)
    out = []
    start = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if start is not None:
                raise SolutionRegionError(f"{name}:{number}: nested {BEGIN!r} (region opened at line {start})")
            start = number
            indent = line[: len(line) - len(line.lstrip())]
            func = _enclosing_function(lines, number - 1)
            if func is None:
                raise SolutionRegionError(f"{name}:{number}: solution region outside a function")
            out.append(f"{indent}# YOUR CODE HERE\n")
            out.append(f'{indent}raise NotImplementedError("{func}: not implemented yet")\n')
        elif stripped == END:
            if start is None:
                raise SolutionRegionError(f"{name}:{number}: {END!r} without {BEGIN!r}")
            start = None
        elif start is None:
            out.append(line)
    if start is not None:
        raise SolutionRegionError(f"{name}:{start}: {BEGIN!r} is never closed")
    return "".join(out)


def _strip_module_doc(text):
    """Drop the leading module docstring (the package's is replaced)."""
    match = re.match(r'\s*"""(?:.|\n)*?"""\n', text)
    return text[match.end():] if match else text


def render_exercises() -> dict[str, str]:
    """``{relative path: content}`` of the student package."""
    source_dir = Path(toyopt_ref.__file__).parent
    files = {}
    for name in PACKAGE_FILES:  # the modules the student package holds, in a stable order
        text = (source_dir / name).read_text(encoding="utf-8")
        if name == "__init__.py":
            text = PACKAGE_DOC + _strip_module_doc(text)
        files[name] = HEADER.format(name=name) + stub_source(text, name)
    return files


def stale_files(out_dir: Path) -> list[str]:
    """Files of `out_dir` that differ from (or are missing against) a fresh render;
    a `ConfigurationError` when there is no `out_dir` to compare (outside the
    repository, say) rather than every file listed as stale."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ConfigurationError(f"no folder {out_dir}/ here to check: run this from the repository's "
                                 "root, or name the student package's folder with --out")
    stale = []
    for name, content in render_exercises().items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(name)
    return stale


def write_exercises(out_dir: Path) -> list[Path]:
    """Write the student package into `out_dir` (each file atomically)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_text_atomic(out_dir / name, content) for name, content in render_exercises().items()]
