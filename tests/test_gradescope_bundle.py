"""`toyopt gradescope-bundle`: the zip's run_autograder grades a simulated /autograder tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from grade_support import stub_submission

from toyopt.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_bundle_holds_setup_run_autograder_and_sources(tmp_path):
    out = tmp_path / "autograder.zip"
    assert main(["gradescope-bundle", str(out)]) == 0
    names = zipfile.ZipFile(out).namelist()
    assert {"setup.sh", "run_autograder", "toyopt-src/pyproject.toml"} <= set(names)
    assert "toyopt-src/toyopt/grading/feedback.html" in names
    assert "toyopt-src/toyopt_ref/data.py" in names
    setup = zipfile.ZipFile(out).read("setup.sh").decode()
    assert "torch==2.13.0" in setup and "bubblewrap" in setup


def test_run_autograder_grades_the_submission_into_results_json(tmp_path):
    out = tmp_path / "autograder.zip"
    assert main(["gradescope-bundle", str(out), "--timeout", "120"]) == 0
    source = tmp_path / "autograder" / "source"
    zipfile.ZipFile(out).extractall(source)
    root = tmp_path / "autograder"
    submission = stub_submission(tmp_path / "upload") / "exercises"
    submission.rename(root / "submission")  # students upload the package's files
    script = source / "run_autograder"
    script.chmod(0o755)
    env = {**os.environ, "TOYOPT_AUTOGRADER_ROOT": str(root), "TOYOPT_PYTHON": sys.executable,
           "PYTHONPATH": str(ROOT)}
    subprocess.run([str(script)], env=env, check=True, timeout=600, cwd=tmp_path)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["max_score"] > 0
    assert results["tests"] and all(t["status"] == "failed" or t["max_score"] == 0
                                    for t in results["tests"])
    assert "not implemented yet" in results["tests"][0]["output"]
