"""The recipe for a new exercise (docs/architecture.md, "An exercise"), followed as written.

In a copy of the tree, a toy fifth exercise, ``error_rate`` in a new module ``metrics``, is
added at each place the recipe names and nowhere else; the generated files are regenerated
with the recipe's commands; then the copy grades it end to end: `toyopt grade` in the
sandbox (a correct package, the stubs, a buggy package, the source notebook) and the
generated files' own tests. The recipe's list of files and the files this test touches
must be the same list, so the page cannot drift from what adding an exercise takes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from grade_support import ROOT, scores

from toyopt.sandbox import bwrap_works

pytestmark = pytest.mark.slow

EXERCISE = "error_rate"
MODULE = "metrics"

REFERENCE = '''\
"""Metrics of a binary classifier (a toy exercise: tests/test_new_exercise.py)."""

import torch


def error_rate(predictions, labels):
    """The percentage of `predictions` that differ from `labels`.

    Contract:
    - returns a Python float: the percentage of positions where `predictions`
      and `labels` differ (0.0 to 100.0);
    - `predictions` and `labels` are 1-d tensors of the same length.
    """
    ### BEGIN SOLUTION
    return float((predictions != labels).double().mean().item() * 100.0)
    ### END SOLUTION
'''

PROBES = '''\
"""Probes of the toy `error_rate` exercise (self-contained: relative imports only)."""

from ..replies import Reply

EXERCISE = "error_rate"


def call(ctx, predictions, labels):
    """``error_rate(tensor(predictions), tensor(labels))``: its type and value."""
    import torch

    out = ctx.call(EXERCISE, torch.tensor(predictions), torch.tensor(labels))
    value = float(out) if isinstance(out, (int, float)) and not isinstance(out, bool) else None
    return {"returned_type": type(out).__name__, "value": value}


PROBES = {"error_rate.call": call}
REPLIES = {"error_rate.call": Reply({"returned_type": str, "value": (float, None)})}
'''

CHECKS = '''\
"""Checks of the toy `error_rate` exercise (registered with `core.check`)."""

from .core import CheckFailure, check
from .expect import expected

EXERCISE = "error_rate"
CLAUSE = "the percentage of positions where `predictions` and `labels` differ"


@check(EXERCISE, "values", 2, "the error rate of fixed predictions", clause=CLAUSE)
def values(target):
    for case in expected(EXERCISE)["cases"]:
        got = target.probe("error_rate.call", predictions=case["predictions"], labels=case["labels"])
        call = f"error_rate(tensor({case['predictions']}), tensor({case['labels']}))"
        if got["value"] is None:
            raise CheckFailure(f"{call} returned a {got['returned_type']}, expected a float")
        if abs(got["value"] - case["rate"]) > 1e-6:
            raise CheckFailure(f"{call}: expected {case['rate']:.4g}, got {got['value']:.4g}")
'''

ORACLE = '''\
"""Expected values of the toy `error_rate` checks (instructor side)."""

from toyopt_check.checks.expect import producer

CASES = (([0, 1, 1, 0], [0, 1, 0, 0]), ([1, 1, 1], [1, 1, 1]), ([0, 0, 1, 1, 0], [1, 1, 0, 0, 1]))


@producer("error_rate")
def expectations() -> dict:
    import torch

    from toyopt_ref.metrics import error_rate

    return {"cases": [{"predictions": p, "labels": q, "rate": error_rate(torch.tensor(p), torch.tensor(q))}
                      for p, q in CASES]}
'''

NOTEBOOK_SECTION = """\
<!-- exercise error_rate -->
## Exercise 5: the error rate ({points} points)

Complete `error_rate`: the percentage of predictions that differ from the labels.

"""

CORPUS_BUG = '''\
"""A bug: the accuracy, not the error rate."""

import torch


def error_rate(predictions, labels):
    return float((predictions == labels).double().mean().item() * 100.0)
'''


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: the recipe's anchor {old!r} is not there once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def follow_recipe(tree: Path) -> set[str]:
    """Add the toy exercise to `tree`; the files touched, as the recipe names them."""
    touched = set()

    def write(relative: str, text: str) -> None:
        (tree / relative).write_text(text, encoding="utf-8")
        touched.add(relative)

    def edit(relative: str, old: str, new: str) -> None:
        _edit(tree / relative, old, new)
        touched.add(relative)

    write(f"toyopt_ref/{MODULE}.py", REFERENCE)                                          # 1
    edit("toyopt_check/inside/runtime.py", '    "epoch_loop": "training",\n',             # 2
         f'    "epoch_loop": "training",\n    "{EXERCISE}": "{MODULE}",\n')
    write(f"toyopt_check/inside/probes/{EXERCISE}.py", PROBES)                          # 3 and 4
    write(f"toyopt_check/checks/{EXERCISE}.py", CHECKS)                                 # 5
    write(f"toyopt/oracles/{EXERCISE}.py", ORACLE)                                      # 7 (6 is optional)
    edit("toyopt/notebook/notebook.md", "<!-- markdown -->\n## 10. Your turn",                # 8
         NOTEBOOK_SECTION + "<!-- markdown -->\n## 10. Your turn")
    (tree / "tests/corpus" / EXERCISE).mkdir()                                          # 9
    write(f"tests/corpus/{EXERCISE}/bug_accuracy.py", CORPUS_BUG)
    return touched


def recipe_files() -> set[str]:
    """The files docs/architecture.md's recipe names, with the toy exercise's names filled in."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    recipe = page.split("- **An exercise:**", 1)[1].split("\n## ", 1)[0]
    named = set()
    for path in re.findall(r"^\s+\d+\. (.*)$", recipe, flags=re.M):
        for item in re.findall(r"`([\w/<>.-]+/[\w<>.-]*)`", path):
            named.add(item.replace("<exercise>", EXERCISE).replace("<module>", MODULE).replace("<name>", EXERCISE))
    return named


def _run(tree: Path, *args, timeout=600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree), "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=timeout)


#: the files follow_recipe touched in the copy
TOUCHED: set[str] = set()


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the working tree (what git tracks or would track) with the recipe followed
    and the generated files regenerated by the recipe's commands."""
    tree = tmp_path_factory.mktemp("recipe") / "toyopt"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    TOUCHED.update(follow_recipe(tree))
    for command in (["-m", "toyopt", "release"], ["-m", "toyopt", "notebook"], ["tools/contracts_table.py"]):
        done = _run(tree, *command)
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    return tree


def test_the_recipe_names_every_file_the_exercise_takes(tree):
    optional = {f"toyopt/checks/{EXERCISE}.py"}  # step 6: hidden checks, none for the toy
    assert recipe_files() - optional == {p for p in TOUCHED if not p.startswith("tests/corpus/")} | {
        f"tests/corpus/{EXERCISE}/"}


def test_the_generated_files_follow(tree):
    """The release wrote the stub, the notebook has the section and its test cell, the contracts
    table pairs the clause with its check."""
    stub = (tree / "exercises" / f"{MODULE}.py").read_text()
    assert "raise NotImplementedError" in stub and "!= labels" not in stub
    notebook = json.loads((tree / "notebooks" / "optimisation_and_learning.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert any(s.startswith("def error_rate(") for s in sources)
    assert any('run("error_rate", globals(), ids=["error_rate.values"])' in s for s in sources)
    assert "error_rate.values" in (tree / "docs" / "contracts.md").read_text()


def test_the_copy_s_own_tests_of_generated_files_and_boundaries_pass(tree):
    done = _run(tree, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests/test_boundaries.py",
                "tests/toyopt/release/test_release.py", "tests/tools/test_contracts_table.py",
                "tests/toyopt_check/inside/test_replies.py")
    assert done.returncode == 0, done.stdout[-4000:]


def _grade(tree: Path, submission: Path, out: Path) -> dict:
    done = _run(tree, "-m", "toyopt", "grade", str(submission), "--results", str(out))
    assert out.is_file(), done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.skipif(not bwrap_works(), reason="needs bubblewrap (the sandbox)")
def test_toyopt_grade_scores_the_fifth_exercise(tree, tmp_path):
    correct = tmp_path / "correct" / "exercises"
    shutil.copytree(tree / "toyopt_ref", correct, ignore=shutil.ignore_patterns("__pycache__"))
    graded = _grade(tree, correct.parent, tmp_path / "correct.json")
    full = scores(graded)
    assert full[EXERCISE] == 2 and full["total"] == graded["max_score"], full

    stubs = tmp_path / "stubs"
    shutil.copytree(tree / "exercises", stubs / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    results = _grade(tree, stubs, tmp_path / "stubs.json")
    assert scores(results).get(EXERCISE, 0) == 0
    mine = [t for t in results["tests"] if EXERCISE in t["tags"]]
    assert mine and all("not implemented" in t["output"].lower() or "complete" in t["output"].lower() for t in mine)

    buggy = tmp_path / "buggy"
    shutil.copytree(correct, buggy / "exercises")
    (buggy / "exercises" / f"{MODULE}.py").write_text(CORPUS_BUG)
    bug = scores(_grade(tree, buggy, tmp_path / "buggy.json"))
    assert bug[EXERCISE] == 0
    assert {k: v for k, v in bug.items() if k not in (EXERCISE, "total")} == \
        {k: v for k, v in full.items() if k not in (EXERCISE, "total")}
    message = [t["output"] for t in json.loads((tmp_path / "buggy.json").read_text())["tests"]
               if EXERCISE in t["tags"]][0]
    assert "expected 25" in message and "got 75" in message


@pytest.mark.skipif(not bwrap_works(), reason="needs bubblewrap (the sandbox)")
def test_toyopt_grade_scores_the_fifth_exercise_in_the_notebook(tree, tmp_path):
    notebook = tree / "notebooks" / "optimisation_and_learning.ipynb"
    results = scores(_grade(tree, notebook, tmp_path / "nb.json"))
    assert results[EXERCISE] == 2

