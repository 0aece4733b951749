"""The kit as a student meets it, in current Jupyter (issue 19 items 1-3, issue 17 item 4).

One fresh virtualenv per test session is made by following the kit README's
commands as written (one substitution: ``pip install torch==2.13.0``, the
local CPU wheel of our machines, for the README's CPU index line), plus
nbclient to execute notebooks as Jupyter does. Nothing of this repository
is importable there. The kit's notebook and the nbgrader release notebook
are executed in it with the student's current IPython and ipykernel, and the
cell outputs are read: a failing test cell shows the check's message, and
only test cells fail, whichever exercises are solved.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
from grade_support import ROOT

from toyopt.notebook.build import build_notebook
from toyopt.release.kit import NOTEBOOK_NAME, TORCH_CPU_INDEX, grading_points, write_kit
from toyopt_check.checks import EXERCISES
from toyopt_check.inside.runtime import EXERCISE_MODULES

pytestmark = [pytest.mark.slow, pytest.mark.kit]


#: the README's torch line, and what runs instead on our machines (the local CPU wheel)
TORCH_LINE = f"pip install torch --index-url {TORCH_CPU_INDEX}"
TORCH_HERE = "pip install torch==2.13.0"
#: commands of the README that start something interactive: the test executes the notebook instead
INTERACTIVE = ("jupyter lab",)
#: the wrong circular_mse of issue 19 (no wrap-around) and the message of its wrap_around check
NO_WRAP = ("wrapped = torch.remainder(diff + half, period) - half", "wrapped = diff")
NO_WRAP_CHECK = "circular_mse.wrap_around"
NO_WRAP_MESSAGE = "expected 0.04, got 37.0051"
#: executing a whole notebook (1000 epochs of training included) on a busy machine
NOTEBOOK_TIMEOUT = 900

EXECUTE = textwrap.dedent('''\
    """Execute a notebook as Jupyter does (argv: in, out); errors stay in the outputs."""
    import sys

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(sys.argv[1], as_version=4)
    NotebookClient(nb, timeout=600, allow_errors=True, kernel_name="python3").execute()
    nbformat.write(nb, sys.argv[2])
    ''')


def _env(venv: Path | None, cwd: Path) -> dict:
    """The environment of a student's shell: nothing of this repository on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(MPLCONFIGDIR=str(cwd / ".mpl"))
    env.pop("MPLBACKEND", None)  # the kernel picks its inline backend
    if venv is not None:
        env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", VIRTUAL_ENV=str(venv))
    return env


def _shell(script: str, cwd: Path, venv: Path | None = None, timeout=1200, check=True):
    done = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=_env(venv, cwd), capture_output=True,
                          text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{script!r} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def readme_sections(readme: str) -> dict[str, list[str]]:
    """``{section title: its command lines}`` of the README's code blocks."""
    sections, title = {}, ""
    for part in re.split(r"^(## .*)$", readme, flags=re.M):
        if part.startswith("## "):
            title = part[3:].strip()
            continue
        for block in re.findall(r"```\n(.*?)```", part, flags=re.S):
            sections.setdefault(title, []).extend(line for line in block.splitlines() if line.strip())
    return sections


@pytest.fixture(scope="session")
def kit(tmp_path_factory) -> Path:
    return write_kit(tmp_path_factory.mktemp("kit") / "kit")[0]


@pytest.fixture(scope="session")
def student(kit, tmp_path_factory) -> Path:
    """A copy of the kit where the README's install commands (sections 1 and 3)
    ran as written, in one shell; nbclient added to execute notebooks."""
    folder = tmp_path_factory.mktemp("student") / "kit"
    shutil.copytree(kit, folder)
    sections = readme_sections((folder / "README.md").read_text())
    install = [name for name in sections if name.startswith("1.")]
    notebook = [name for name in sections if name.startswith("3.")]
    assert install and notebook, list(sections)
    lines = sections[install[0]] + [c for c in sections[notebook[0]] if not c.startswith(INTERACTIVE)]
    assert TORCH_LINE in lines
    lines = [TORCH_HERE if line == TORCH_LINE else line for line in lines]
    lines += ["pip install -q nbclient", "python -m ipykernel --version"]
    _shell("\n".join(lines), folder, timeout=1800)
    (folder / "execute.py").write_text(EXECUTE)
    return folder


def venv_of(student: Path) -> Path:
    return student / ".venv"


# ----------------------------------------------------------------------------- solutions
def solution_cells() -> dict[str, str]:
    """``{exercise: source}`` of the source notebook's solution cells (the reference)."""
    return {c.id: c.source for c in build_notebook().cells if c.get("id") in EXERCISES}


def no_wrap_circular_mse() -> str:
    source = solution_cells()["circular_mse"]
    assert NO_WRAP[0] in source
    return source.replace(*NO_WRAP)


def replace_function(text: str, name: str, new: str) -> str:
    """`text` (a module) with its top-level function `name` replaced by `new`."""
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = text.splitlines(True)
    return "".join(lines[:node.lineno - 1]) + new.rstrip("\n") + "\n" + "".join(lines[node.end_lineno:])


def execute(student: Path, notebook: Path, replace: dict[str, str], name: str) -> nbformat.NotebookNode:
    """`notebook` with the code cells whose id or nbgrader grade id is in `replace` given
    that source, executed in the student's virtualenv; returns the executed notebook."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        key = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
        if key in replace:
            cell.source = replace[key]
    path, out = student / f"{name}.ipynb", student / f"{name}.out.ipynb"
    nbformat.write(nb, path)
    _shell(f"python execute.py {path.name} {out.name}", student, venv_of(student), timeout=NOTEBOOK_TIMEOUT)
    return nbformat.read(out, as_version=4)


def is_test_cell(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade")) and cell.cell_type == "code"


def errors(nb) -> dict[str, dict]:
    """``{cell key: its first error output}`` of the cells that failed."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errs = [o for o in cell.outputs if o.output_type == "error"]
        if errs:
            found[cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")] = errs[0]
    return found


def grading_cells_of(nb, exercise: str) -> list[str]:
    return [c.metadata.nbgrader["grade_id"] for c in nb.cells
            if is_test_cell(c) and f'run("{exercise}"' in c.source]


# ----------------------------------------------------------------------------- the README
def test_readme_install_keeps_the_cpu_torch_and_no_nvidia_wheels(student):
    done = _shell("python -m pip list --format=json", student, venv_of(student))
    installed = {p["name"].lower(): p["version"] for p in json.loads(done.stdout)}
    assert installed["torch"].split("+")[0] == TORCH_HERE.split("==")[1]  # 2.13.0+cpu
    assert not [name for name in installed if name.startswith(("nvidia", "triton"))]
    assert {"toyopt-check", "jupyterlab", "ipykernel"} <= set(installed)
    assert not {"toyopt", "nbgrader"} & set(installed)


def test_readme_self_check_runs_as_written(student):
    sections = readme_sections((student / "README.md").read_text())
    check = next(lines for name, lines in sections.items() if name.startswith("2."))
    assert check == ["pytest autograder"]
    done = _shell(check[0], student, venv_of(student), check=False)
    assert done.returncode == 1, done.stdout[-2000:]  # the stubs fail their checks
    assert "autograder score" in done.stdout
    lines = done.stdout.splitlines()
    for exercise, row in grading_points().items():  # one message an exercise; the README's points
        assert len([x for x in lines if x.startswith(f"{exercise}: not implemented yet")]) == 1, exercise
        assert (f"{exercise}: {row['visible']:g} visible; {row['hidden']:g} more in hidden checks at grading "
                f"({row['visible'] + row['hidden']:g} in all)") in lines
        assert f"| `{exercise}` | {row['visible']:g} | {row['hidden']:g} |" in (student / "README.md").read_text()


def test_readme_pack_writes_the_exercises_package_the_grader_accepts(student, tmp_path):
    from toyopt.sandbox.submission import materialise

    sections = readme_sections((student / "README.md").read_text())
    pack = next(lines for name, lines in sections.items() if name.startswith("4."))
    assert pack == ["python -m toyopt_check.pack"]
    done = _shell(pack[0], student, venv_of(student))
    assert "submission.zip" in done.stdout
    with zipfile.ZipFile(student / "submission.zip") as archive:
        names = sorted(archive.namelist())
    assert names == sorted(f"exercises/{p.name}" for p in (student / "exercises").glob("*.py"))
    submission = materialise(student / "submission.zip", tmp_path)
    try:
        assert submission.kind == "package"
        assert sorted(p.name for p in (submission.scratch_dir / "exercises").glob("*.py")) == \
            sorted(n.split("/")[1] for n in names)
    finally:
        submission.remove()


# ----------------------------------------------------------------------------- the kit's notebook
@pytest.mark.parametrize("solved", [None, *EXERCISES])
def test_kit_notebook_fails_only_in_test_cells_whatever_is_solved(student, solved):
    replace = {} if solved is None else {solved: solution_cells()[solved]}
    nb = execute(student, student / NOTEBOOK_NAME, replace, f"solved-{solved}")
    failed = errors(nb)
    tests = {c.metadata.nbgrader["grade_id"] for c in nb.cells if is_test_cell(c)}
    assert set(failed) <= tests, {k: v.ename for k, v in failed.items() if k not in tests}
    for exercise in EXERCISES:
        mine = grading_cells_of(nb, exercise)
        assert mine
        if exercise == solved:
            assert not set(mine) & set(failed), {k: failed[k].evalue for k in mine if k in failed}
        else:
            assert set(mine) <= set(failed), exercise
    notes = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert ("spiral_2d_loop" in notes) == (solved != "spiral_2d")


def test_kit_notebook_failing_test_cell_shows_what_pytest_autograder_says(student, tmp_path):
    """A circular_mse that does not wrap: the cell's error output is the message of
    `pytest autograder` for the same check (input, expected, got), with no frames."""
    nb = execute(student, student / NOTEBOOK_NAME, {"circular_mse": no_wrap_circular_mse()}, "no-wrap")
    cell_id = next(k for k in grading_cells_of(nb, "circular_mse") if k.endswith("wrap_around"))
    error = errors(nb)[cell_id]
    assert error.ename == "TestCellFailed" and NO_WRAP_MESSAGE in error.evalue
    assert error.traceback == [f"TestCellFailed: {error.evalue}"]  # no grader frame, no test source

    root = tmp_path / "sub"
    shutil.copytree(student / "exercises", root / "exercises")
    losses = root / "exercises" / f"{EXERCISE_MODULES['circular_mse']}.py"
    losses.write_text(replace_function(losses.read_text(), "circular_mse", no_wrap_circular_mse()))
    _shell(f"pytest autograder -q -k circular_mse --submission {root} --results {tmp_path / 'r.json'}",
           student, venv_of(student), check=False)
    graded = {t["name"].split(": ", 1)[0]: t["output"] for t in json.loads((tmp_path / "r.json").read_text())["tests"]}
    assert error.evalue == graded[NO_WRAP_CHECK]


# ----------------------------------------------------------------------------- the nbgrader release
@pytest.fixture(scope="session")
def release_notebook(tmp_path_factory) -> Path:
    """``nbgrader generate_assignment`` of a course made by `toyopt nbgrader init`."""
    from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT, NOTEBOOK_FILE, init_course

    course = init_course(tmp_path_factory.mktemp("course") / "course")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
               MPLCONFIGDIR=str(Path(tempfile.gettempdir()) / "toyopt-mpl"))
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", DEFAULT_ASSIGNMENT, "--force"],
                   cwd=course.root, env=env, check=True, capture_output=True, timeout=600)
    return course.root / "release" / DEFAULT_ASSIGNMENT / NOTEBOOK_FILE


def test_release_notebook_runs_with_the_kit_alone(student, release_notebook):
    """spiral_2d solved, circular_mse wrong: spiral_2d's visible tests pass, circular_mse's
    fail with the message, and no cell but a test cell fails."""
    code = "\n".join(c.source for c in nbformat.read(release_notebook, 4).cells if c.cell_type == "code")
    assert "toyopt_ref" not in code and "import toyopt." not in code and "from toyopt." not in code
    replace = {"spiral_2d": solution_cells()["spiral_2d"], "circular_mse": no_wrap_circular_mse()}
    nb = execute(student, release_notebook, replace, "release")
    failed = errors(nb)
    tests = {c.metadata.nbgrader["grade_id"] for c in nb.cells if is_test_cell(c)}
    assert set(failed) <= tests, {k: v.ename for k, v in failed.items() if k not in tests}
    assert not set(grading_cells_of(nb, "spiral_2d")) & set(failed)
    wrap = next(k for k in grading_cells_of(nb, "circular_mse") if k.endswith("wrap_around"))
    assert NO_WRAP_MESSAGE in failed[wrap].evalue
    assert failed[wrap].traceback == [f"TestCellFailed: {failed[wrap].evalue}"]
    assert all(e.ename == "TestCellFailed" for e in failed.values())


def test_in_kernel_nbgrader_feedback_shows_the_message(release_notebook, tmp_path):
    """nbgrader's in-kernel grading (`c.SandboxedExecute.in_kernel = True`): the feedback
    page of a circular_mse that does not wrap shows the check's message, not
    "showtraceback was disabled"."""
    import html

    from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT, NOTEBOOK_FILE

    course = tmp_path / "course"
    shutil.copytree(release_notebook.parents[2], course)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.SandboxedExecute.in_kernel = True\n")
    nb = nbformat.read(release_notebook, 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "circular_mse":
            cell.source = no_wrap_circular_mse()
    submitted = course / "submitted" / "alice" / DEFAULT_ASSIGNMENT / NOTEBOOK_FILE
    submitted.parent.mkdir(parents=True)
    nbformat.write(nb, submitted)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
               MPLCONFIGDIR=str(course / ".mpl"))
    env.pop("MPLBACKEND", None)
    for verb in ("autograde", "generate_feedback"):
        done = subprocess.run([sys.executable, "-m", "nbgrader", verb, DEFAULT_ASSIGNMENT, "--force"], cwd=course,
                              env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
    page = (course / "feedback" / "alice" / DEFAULT_ASSIGNMENT / NOTEBOOK_FILE).with_suffix(".html").read_text()
    assert html.escape(NO_WRAP_MESSAGE) in page
    assert "showtraceback was disabled" not in page
