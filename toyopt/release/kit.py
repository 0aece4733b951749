"""The student kit: what an instructor publishes, built from the reference.

``toyopt release OUT`` writes the folder `OUT` and `OUT.zip` holding::

    README.md               in order: a virtualenv, torch's CPU build, requirements.txt,
                            ``pytest autograder`` (points visible / hidden per exercise),
                            the notebook, ``python -m toyopt_check.pack`` to submit
    requirements.txt        the student runtime's wheel (its dependencies follow)
    requirements-notebook.txt   requirements.txt plus Jupyter (optional: for the notebook)
    pytest.ini              makes the kit folder pytest's root
    exercises/              the four stubs and the helpers a student calls
    autograder/             a thin conftest loading ``toyopt_check.plugin``, one test per check
    optimisation_and_learning.ipynb   the notebook, solutions and hidden tests removed
    wheels/toyopt_check-<version>-py3-none-any.whl
                            the student runtime: check framework, visible checks,
                            probes, pytest plugin, notebook cell helper, and
                            ``checks/expectations.json`` written from the oracles

Never in it: the reference (`toyopt_ref`), the instructor's `toyopt` (hidden
checks, oracles, sandboxed grader), the Gradescope bundle, the nbgrader
course. tests/routes/test_kit_hunt.py installs the kit in a fresh virtualenv and
hunts for answers in it; tests/routes/test_kit_jupyter.py follows the README as
written and executes the notebooks there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt import __version__
from toyopt.notebook import DEFAULT_PATH, render
from toyopt.notebook.build import GENERATED
from toyopt_check.checks import EXERCISES, all_checks, expect
from toyopt_check.files import atomic_write
from toyopt_check.inside.errors import ConfigurationError

from .stubs import render_exercises, stub_source
from .wheel import build_wheel, requirements, wheel_name, write_zip

DIST_NAME = "toyopt-check"
RUNTIME = Path(__file__).resolve().parents[2] / "toyopt_check"
NOTEBOOK_NAME = DEFAULT_PATH.name
#: what the student runtime needs (the exercises' helpers need torch, numpy, matplotlib;
#: the checks hypothesis; the self-check pytest), with pyproject.toml's versions
RUNTIME_DEPENDENCIES = ("torch", "numpy", "matplotlib", "hypothesis", "pytest")
#: marks a folder written by this module (so that a rebuild may replace it)
MARKER = ".toyopt-kit"

#: PyTorch's CPU wheels: all the exercises need, a few hundred MB instead of several GB
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: what the notebook needs on top of requirements.txt (optional: the self-check does not)
NOTEBOOK_REQUIREMENTS = ["jupyterlab>=4", "ipykernel>=6"]

#: the kit's README, a template of `str.format` (version, notebook, torch_index, points)
README = Path(__file__).with_name("kit_readme.md")

CONFTEST = '''"""Loads the self-check (the `toyopt_check` package from requirements.txt):
run `pytest autograder` from the folder that holds exercises/."""

from toyopt_check.plugin import *  # noqa: F401,F403  (the plugin's hooks and fixtures)
'''

PYTEST_INI = """[pytest]
# the kit folder is pytest's root: `pytest autograder` runs the self-check.
# No cache folder; no Hypothesis plugin (the checks call Hypothesis themselves);
# no unraisable-exception report (its garbage collections at exit cost 0.3 s
# a run, and a stray __del__ error is not the student's grade).
testpaths = autograder
addopts = -p no:cacheprovider -p no:hypothesispytest -p no:unraisableexception
"""


def runtime_files(expectations: dict, points: dict) -> dict[str, bytes]:
    """``{archive path: bytes}`` of the student runtime (sources, expectations and
    the points per exercise that `toyopt_check.plugin` reports)."""
    files = {}
    for path in sorted(RUNTIME.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        files[f"toyopt_check/{path.relative_to(RUNTIME).as_posix()}"] = path.read_bytes()
    files["toyopt_check/checks/expectations.json"] = (
        json.dumps(expectations, indent=1, sort_keys=True) + "\n").encode()
    files["toyopt_check/checks/grading_points.json"] = (json.dumps(points, indent=1) + "\n").encode()
    return files


def build_expectations() -> dict:
    """Every exercise's expected values, from the instructor's oracles (those that exist)."""
    data = {}
    for exercise in EXERCISES:
        try:
            data.update(expect.build([exercise]))
        except expect.ExpectationsMissing:
            continue  # no producer yet: that exercise's checks need no data
    return data


#: The first line of the kit's notebook, in place of the instructor's "generated, do not edit".
KIT_NOTEBOOK_HEADER = ("<!-- Released by `toyopt release`: your copy of the tutorial. Complete the exercises "
                       "in their cells and run the test cells below them. -->")


def student_notebook(text: str) -> str:
    """The source notebook for students: solutions stubbed, hidden test cells
    dropped, answers blanked, outputs cleared, the generator's header replaced
    by one for students. Its code imports nothing but `toyopt_check.cells`, as
    the source notebook's does (tests/toyopt/notebook/test_notebook.py holds that)."""
    nb = json.loads(text)
    cells = []
    for cell in nb["cells"]:
        source = "".join(cell.get("source", []))
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if "### BEGIN HIDDEN TESTS" in source:
            continue  # a hidden test: its id and title stay on the instructor's side
        if meta.get("solution") and cell["cell_type"] == "markdown":
            source = "YOUR ANSWER HERE"
        elif meta.get("solution"):
            source = stub_source(source, cell.get("id", "cell"))
        if source.startswith(GENERATED):
            source = KIT_NOTEBOOK_HEADER + source[len(GENERATED):]
        cell["source"] = source.splitlines(True)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    nb["cells"] = cells
    nb.get("metadata", {}).pop("toyopt", None)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def grading_points() -> dict[str, dict]:
    """``{exercise: {"visible": points, "hidden": points}}``: the points of the
    checks the kit runs and of those that only run at grading (counts only:
    no hidden check's id or title leaves the instructor's side)."""
    points = {}
    for exercise in EXERCISES:
        checks = all_checks([exercise])
        points[exercise] = {
            "visible": sum(c.points for c in checks if c.visibility == "visible"),
            "hidden": sum(c.points for c in checks if c.visibility != "visible"),
        }
    return points


def points_table() -> str:
    """The README's table of points per exercise (markdown)."""
    rows = ["| exercise | checked by `pytest autograder` | more at grading | total |", "| --- | ---: | ---: | ---: |"]
    for exercise, row in grading_points().items():
        rows.append(f"| `{exercise}` | {row['visible']:g} | {row['hidden']:g} | {row['visible'] + row['hidden']:g} |")
    return "\n".join(rows)


def kit_files() -> dict[str, bytes]:
    """``{relative path: bytes}`` of the whole kit folder."""
    wheel = wheel_name(DIST_NAME, __version__)
    files = {
        "README.md": README.read_text(encoding="utf-8").format(
            version=__version__, notebook=NOTEBOOK_NAME, torch_index=TORCH_CPU_INDEX, points=points_table()).encode(),
        "requirements.txt": f"./wheels/{wheel}\n".encode(),
        "requirements-notebook.txt": ("-r requirements.txt\n" + "\n".join(NOTEBOOK_REQUIREMENTS) + "\n").encode(),
        "pytest.ini": PYTEST_INI.encode(),
        "autograder/conftest.py": CONFTEST.encode(),
        "autograder/test_exercises.py": (RUNTIME.parent / "autograder" / "test_exercises.py").read_bytes(),
        NOTEBOOK_NAME: student_notebook(render()).encode(),
        f"wheels/{wheel}": build_wheel(
            DIST_NAME, __version__, runtime_files(build_expectations(), grading_points()),
            summary="Self-check of the 'Optimisation and Learning' exercises (student runtime)",
            requires_python=">=3.10", requires=requirements(*RUNTIME_DEPENDENCIES)),
        MARKER: b"written by `toyopt release`: a rebuild replaces this folder\n",
    }
    for name, content in render_exercises().items():
        files[f"exercises/{name}"] = content.encode()
    return dict(sorted(files.items()))


def write_kit(out) -> tuple[Path, Path]:
    """Write the kit folder `out` and `out`.zip; return both paths.

    `out` must be missing, empty, or a kit written earlier (it is replaced).
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise ConfigurationError(f"{out} exists and is not a kit written by `toyopt release`: "
                                 "choose a new folder")
    files = kit_files()
    if out.exists():
        shutil.rmtree(out)
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    archive = out.with_name(out.name + ".zip")
    atomic_write(archive, lambda tmp: write_zip(tmp, {f"{out.name}/{name}": data for name, data in files.items()}))
    return out, archive
