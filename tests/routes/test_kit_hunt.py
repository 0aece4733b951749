"""The answer hunt (issue 9 item 7): build the student kit, install it into a
fresh virtualenv that cannot see this repository, and look for answers in it.

The virtualenv is made once per machine (``$TMPDIR/toyopt-kit-venv-<key>``,
without system site-packages; torch==2.13.0 comes from the local wheel cache),
and the kit's wheel is reinstalled into it on every run.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from grade_support import append, reference_submission

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
import toyopt_ref
from toyopt.release.kit import NOTEBOOK_NAME, RUNTIME_DEPENDENCIES, write_kit
from toyopt.release.wheel import requirements
from toyopt_check.checks import EXERCISES
from toyopt_check.inside.runtime import EXERCISE_MODULES

pytestmark = [pytest.mark.kit, pytest.mark.slow, pytest.mark.filterwarnings("ignore::toyopt.sandbox.SandboxWarning")]


REF_DIR = Path(toyopt_ref.__file__).resolve().parent
TORCH = "torch==2.13.0"
#: code the tutorial itself hands students: may earn what it earns, never these checks
TUTORIAL_GIVEN = {"spiral_2d_loop": ("spiral_2d", ("spiral_2d.vectorised",))}
#: a normalised solution line shorter than this is too common to be an answer
TRIVIAL_CHARS = 24


def _env(venv: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               MPLBACKEND="Agg", MPLCONFIGDIR=str(Path(tempfile.gettempdir()) / "toyopt-mpl"))
    return env


def _run(cmd, cwd, venv, timeout=900, check=True):
    done = subprocess.run(cmd, cwd=cwd, env=_env(venv), capture_output=True, text=True,
                          timeout=timeout, shell=isinstance(cmd, str))
    if check and done.returncode != 0:
        raise AssertionError(f"{cmd} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="session")
def kit(tmp_path_factory) -> Path:
    folder, archive = write_kit(tmp_path_factory.mktemp("kit") / "kit")
    assert archive.is_file()
    return folder


@pytest.fixture(scope="session")
def venv(kit) -> Path:
    key = hashlib.sha256(f"{sys.version}|{requirements(*RUNTIME_DEPENDENCIES)}|{TORCH}".encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"toyopt-kit-venv-{key}"
    python = path / "bin" / "python"
    if not (path / ".ready").is_file():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
        _run([str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt", TORCH], kit, path)
        (path / ".ready").write_text("ok\n")
    wheel = next((kit / "wheels").glob("*.whl"))
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
         kit, path)
    return path


def _site(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


# ----------------------------------------------------------------------------- what the kit holds
def kit_texts(kit: Path, venv: Path | None = None):
    """``(where, text)`` of every file a student receives: the kit folder, the
    members of its zips and wheel, and the installed runtime."""
    for path in sorted(kit.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path.name}:{name}", archive.read(name).decode("utf-8", "replace")
        elif path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            yield str(path), "\n".join("".join(c.get("source", [])) for c in nb["cells"])
        else:
            yield str(path), path.read_text(encoding="utf-8", errors="replace")
    if venv is not None:
        for path in sorted((_site(venv) / "toyopt_check").rglob("*")):
            if path.is_file() and path.suffix in (".py", ".json"):
                yield str(path), path.read_text(encoding="utf-8")


def normalise(line: str) -> str:
    return " ".join(line.split())


def solution_lines() -> set[str]:
    """Non-trivial lines of the reference's solution regions: at least
    `TRIVIAL_CHARS` long, not a comment, and not also a line of the code the
    students are given (outside the regions: the tutorial's loop, validation)."""
    lines, given = set(), set()
    for path in REF_DIR.glob("*.py"):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() == "### BEGIN SOLUTION":
                inside = True
            elif line.strip() == "### END SOLUTION":
                inside = False
            else:
                text = normalise(line)
                if not inside:
                    given.add(text)
                elif len(text) >= TRIVIAL_CHARS and not text.startswith("#"):
                    lines.add(text)
    return lines - given


def hidden_markers() -> dict[str, set[str]]:
    """``{hidden check id: its id, title and source lines}`` (lines of 40+ characters
    that no visible check has too)."""
    from toyopt_check.checks import all_checks

    def lines(chk):
        return {normalise(line) for line in inspect.getsource(chk.func).splitlines()}

    checks = all_checks()
    shared = set().union(*(lines(c) for c in checks if c.visibility == "visible"))
    return {c.id: {c.id, c.title} | {s for s in lines(c) - shared if len(s) >= 40}
            for c in checks if c.visibility != "visible"}


def test_kit_installs_without_the_instructor_side(venv, kit):
    python = str(venv / "bin" / "python")
    for module in ("toyopt_ref", "toyopt"):
        done = _run([python, "-c", f"import {module}"], kit.parent, venv, check=False)
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, module
    done = _run([python, "-c", "import toyopt_check.checks as c; print(len(c.all_checks()))"],
                kit.parent, venv)
    assert int(done.stdout) > 0


def test_no_solution_line_in_any_kit_file(kit, venv):
    answers = solution_lines()
    assert len(answers) > 10  # the hunt has something to look for
    found = [(where, line) for where, text in kit_texts(kit, venv)
             for line in {normalise(x) for x in text.splitlines()} if line in answers]
    assert not found, f"solution lines in the kit: {found[:5]}"


def test_no_hidden_check_in_any_kit_file(kit, venv):
    markers = hidden_markers()
    assert markers  # there are hidden checks to look for
    found = []
    for where, text in kit_texts(kit, venv):
        lines = {normalise(x) for x in text.splitlines()}
        for cid, marks in markers.items():
            hits = [m for m in marks if (m in text if m in (cid,) else m in lines)]
            found += [(where, cid, h) for h in hits]
    assert not found, f"hidden checks in the kit: {found[:5]}"


def test_kit_holds_no_reference_and_no_instructor_files(kit):
    names = {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()}
    assert not any(n.startswith(("toyopt_ref/", "toyopt/", "notebooks/")) for n in names)
    assert not any("gradebook" in n or n.endswith("nbgrader_config.py") for n in names)
    assert {"exercises/_fastpath.py"}.isdisjoint(names)
    with zipfile.ZipFile(next((kit / "wheels").glob("*.whl"))) as wheel:
        tops = {n.split("/")[0] for n in wheel.namelist()}
    assert tops == {"toyopt_check", "toyopt_check-0.1.0.dist-info"}


# ----------------------------------------------------------------------------- drop-in candidates
def _params(node) -> list[str]:
    names = [a.arg for a in node.args.posonlyargs + node.args.args]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _matches(name: str, qualname: str, exercise: str) -> bool:
    squash = lambda s: s.lower().replace("_", "")  # noqa: E731  (a one-line key function)
    return squash(exercise) in squash(name) or squash(exercise) in squash(qualname)


def candidates(kit: Path, venv: Path):
    """``(exercise, where, qualname, source)`` of every function or method in
    the kit's code and the installed runtime whose name or parameters match an
    exercise's."""
    signatures = {ex: list(inspect.signature(getattr(
        __import__(f"toyopt_ref.{EXERCISE_MODULES[ex]}", fromlist=[ex]), ex)).parameters)
        for ex in EXERCISES}
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in sorted(kit.rglob("*.py"))]
    sources += [(str(p), p.read_text(encoding="utf-8"))
                for p in sorted((_site(venv) / "toyopt_check").rglob("*.py"))]
    nb = json.loads((kit / NOTEBOOK_NAME).read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            code = "".join(cell["source"])
            code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                             for line in code.splitlines())
            sources.append((f"{NOTEBOOK_NAME}#cell{i}", code))
    for where, text in sources:
        tree = ast.parse(text)
        lines = text.splitlines(True)

        def visit(node, prefix):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    visit(child, f"{prefix}{child.name}.")
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    qual = f"{prefix}{child.name}"
                    for ex, params in signatures.items():
                        if _matches(child.name, qual, ex) or _params(child) == params:
                            start = min([d.lineno for d in child.decorator_list] + [child.lineno])
                            yield ex, where, qual, textwrap.dedent("".join(lines[start - 1:child.end_lineno]))  # noqa: B023  (a generator: used before the loop moves on)
                    yield from visit(child, f"{qual}.")

        yield from visit(tree, "")


def drop_in(kit: Path, root: Path, exercise: str, source: str) -> Path:
    """A submission: the kit's stubs with `exercise` replaced by `source` (renamed)."""
    shutil.copytree(kit / "exercises", root / "exercises")
    path = root / "exercises" / f"{EXERCISE_MODULES[exercise]}.py"
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    stub = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == exercise)
    lines = text.splitlines(True)
    node = ast.parse(source).body[0]
    node.name = exercise
    if isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args[:1]] in (["self"], ["cls"]):
        node.args.args = node.args.args[1:]
    node.decorator_list = [d for d in node.decorator_list
                           if not (isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod"))]
    new = ast.unparse(node) + "\n"
    path.write_text("".join(lines[:stub.lineno - 1]) + new + "".join(lines[stub.end_lineno:]),
                    encoding="utf-8")
    return root


def test_no_function_in_the_kit_solves_an_exercise(kit, venv, tmp_path):
    from toyopt_check.checks import all_checks, run_checks
    from toyopt_check.checks.target import InProcessTarget

    found = list(candidates(kit, venv))
    assert {ex for ex, *_ in found} == set(EXERCISES)  # the stubs themselves at least
    scored = []
    for n, (exercise, where, qual, source) in enumerate(found):
        root = drop_in(kit, tmp_path / f"c{n}", exercise, source)
        results = run_checks(InProcessTarget.for_package(root), all_checks([exercise]),
                             cuda_available=False)
        given = TUTORIAL_GIVEN.get(qual.rsplit(".", 1)[-1])
        if given is not None and given[0] == exercise:
            assert all(r.score == 0 for r in results if r.id in given[1]), (qual, results)
            continue
        passed = tuple(r.id for r in results if r.score)
        if passed:
            scored.append((exercise, Path(where).name, qual, passed))
    assert not scored, f"kit code that earns points on an exercise: {scored}"


# ----------------------------------------------------------------------------- the self-check
def _self_check(kit: Path, venv: Path, submission: Path | None, out: Path) -> dict:
    cmd = ["pytest", "autograder", "-q", "--results", str(out)]
    if submission is not None:
        cmd += ["--submission", str(submission)]
    _run(cmd, kit, venv, check=False)
    data = json.loads(out.read_text())
    return {t["name"].split(": ", 1)[0]: t["score"] for t in data["tests"]}


def test_kit_self_check_gives_stubs_zero_and_the_reference_full_marks(kit, venv, tmp_path):
    from toyopt_check.checks import all_checks

    visible = {c.id: c.points for c in all_checks() if c.visibility == "visible"}
    stubs = _self_check(kit, venv, None, tmp_path / "stubs.json")
    assert set(stubs) == set(visible) and sum(stubs.values()) == 0
    full = _self_check(kit, venv, reference_submission(tmp_path / "ref"), tmp_path / "ref.json")
    assert full == visible


def test_kit_self_check_agrees_with_toyopt_grade_on_corpus_samples(kit, venv, tmp_path):
    from corpus_tools import CORPUS

    from toyopt.grading.report import grade_submission

    for kind in ("correct", "mutant"):
        root = tmp_path / kind
        shutil.copytree(kit / "exercises", root / "exercises")
        for exercise in EXERCISES:
            sample = sorted((CORPUS / exercise).glob(f"{kind}_*.py"))[0]
            append(root, f"{EXERCISE_MODULES[exercise]}.py", sample.read_text())
        kit_scores = _self_check(kit, venv, root, tmp_path / f"{kind}.json")
        report = grade_submission(root, timeout=120, figures=False)
        graded = {r.id: r.score for r in report.results if r.id in kit_scores}
        assert set(graded) == set(kit_scores), kind
        assert graded == kit_scores, kind
