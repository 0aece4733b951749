"""Helpers of the grading tests: reference / stub submissions and attacks on them."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import toyopt_ref
from toyopt.release.stubs import write_exercises

#: the folder of the tests, and the repository
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
REF_DIR = Path(toyopt_ref.__file__).resolve().parent
HOSTILE = TESTS / "hostile"
REF_MODULES = ("errors.py", "data.py", "plotting.py", "losses.py", "model.py", "training.py")


def reference_submission(root: Path) -> Path:
    """``root/exercises/`` holding the reference solution of all four exercises."""
    pkg = root / "exercises"
    pkg.mkdir(parents=True)
    for path in REF_DIR.glob("*.py"):
        shutil.copyfile(path, pkg / path.name)
    return root


def stub_submission(root: Path) -> Path:
    """``root/exercises/`` as released to students (every exercise a stub)."""
    write_exercises(root / "exercises")
    return root


def append(root: Path, module: str, code: str) -> Path:
    """Add `code` at the end of ``exercises/<module>``."""
    path = root / "exercises" / module
    path.write_text(path.read_text() + "\n" + textwrap.dedent(code))
    return root


def prepend(root: Path, module: str, code: str) -> Path:
    """Add `code` at the top of ``exercises/<module>`` (after ``__future__`` imports)."""
    path = root / "exercises" / module
    text = path.read_text()
    match = list(re.finditer(r"^from __future__ import .*\n", text, flags=re.M))
    cut = match[-1].end() if match else 0
    path.write_text(text[:cut] + textwrap.dedent(code) + "\n" + text[cut:])
    return root


def attack(root: Path, name: str, module: str, **values) -> Path:
    """Append ``tests/hostile/<name>.py`` to `module`, its ``{{key}}`` markers filled."""
    code = (HOSTILE / f"{name}.py").read_text()
    for key, value in values.items():
        code = code.replace("{{%s}}" % key, str(value))
    return append(root, module, code)


def reference_notebook(path: Path) -> Path:
    """A notebook whose code cells are the reference modules (relative imports dropped)."""
    cells = []
    for name in REF_MODULES:
        source = (REF_DIR / name).read_text()
        source = re.sub(r"^from \.\w* import .*$", "", source, flags=re.M)
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": source.splitlines(True)})
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


def scores(results: dict) -> dict:
    """``{exercise: points, "total": points}`` from a results.json dict."""
    out = {}
    for test in results["tests"]:
        for tag in test["tags"]:
            out[tag] = out.get(tag, 0) + test["score"]
    out["total"] = results["score"]
    return out


def crashing_grade(job, options):
    """A pool function that kills its process on submissions named ``crash*``
    (a grader crash), else grades normally."""
    import os

    from toyopt.grading.bulk import _grade_job

    if job.name.startswith("crash"):
        os._exit(3)
    return _grade_job(job, options)


def sleepy_grade(job, options):
    """A pool function: fast for ``fast*`` submissions, an hour for the others."""
    import time

    from toyopt.grading.report import failed_report

    if not job.name.startswith("fast"):
        time.sleep(3600)
    return failed_report(job.source, f"source={job.source}", name=job.name)


def selective_grade(job, options):
    """A pool function grading only the exercises ``options["only"][job.name]``
    (all when absent): keeps the hostile corpus fast."""
    from toyopt.grading.report import grade_submission
    from toyopt_check.checks.core import all_checks

    options = dict(options)
    only = options.pop("only", {}).get(job.name)
    checks = all_checks(only) if only else None
    return grade_submission(job.source, name=job.name, checks=checks, **options)
