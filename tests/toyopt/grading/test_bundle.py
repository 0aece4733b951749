"""`toyopt gradescope-bundle`: the zip's run_autograder grades a simulated /autograder tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from grade_support import ROOT, stub_submission

from toyopt.cli import main
from toyopt.grading.bundle import KEY_FACTS


def test_bundle_splits_the_student_runtime_from_the_instructor_side(tmp_path):
    out = tmp_path / "autograder.zip"
    assert main(["gradescope-bundle", str(out)]) == 0
    names = set(zipfile.ZipFile(out).namelist())
    assert {"setup.sh", "run_autograder", "toyopt-src/runtime/pyproject.toml"} <= names
    assert "toyopt-src/grader/toyopt/grading/feedback.html" in names
    assert "toyopt-src/grader/toyopt_ref/data.py" in names
    assert "toyopt-src/runtime/toyopt_check/inside/worker.py" in names
    runtime = {n for n in names if n.startswith("toyopt-src/runtime/")}
    assert not any(n.startswith(("toyopt-src/runtime/toyopt/", "toyopt-src/runtime/toyopt_ref/"))
                   for n in runtime)
    setup = zipfile.ZipFile(out).read("setup.sh").decode()
    assert "torch==2.13.0" in setup and "bubblewrap" in setup
    assert 'mkdir -m 0700 "$PREFIX/toyopt-grader"' in setup
    assert "chmod" not in setup  # it changes the mode of no folder it did not create


def test_bundle_carries_the_instructors_grading_secret_to_the_root_only_side(tmp_path):
    from toyopt.grading.target import grading_secret

    out = tmp_path / "autograder.zip"
    assert main(["gradescope-bundle", str(out)]) == 0
    archive = zipfile.ZipFile(out)
    secret = archive.getinfo("toyopt-src/grader/grading-secret")
    assert bytes.fromhex(archive.read(secret).decode().strip()) == grading_secret()
    assert (secret.external_attr >> 16) & 0o777 == 0o600
    assert 'TOYOPT_GRADING_SECRET="$GRADER/lib/grading-secret"' in archive.read("run_autograder").decode()


def unpack_as_setup_does(zip_path: Path, root: Path, prefix: Path) -> Path:
    """``root/source`` unpacked; the instructor's side (and, for this quick test, the
    runtime: no virtualenv is made) in ``prefix/toyopt-grader/lib`` (0700)."""
    source = root / "source"
    zipfile.ZipFile(zip_path).extractall(source)
    grader = prefix / "toyopt-grader"
    grader.mkdir(mode=0o700, parents=True)
    (source / "toyopt-src" / "grader").rename(grader / "lib")
    (source / "toyopt-src" / "runtime" / "toyopt_check").rename(grader / "lib" / "toyopt_check")
    return source


def test_run_autograder_grades_the_submission_into_results_json(tmp_path):
    out = tmp_path / "autograder.zip"
    assert main(["gradescope-bundle", str(out), "--timeout", "120"]) == 0
    root = tmp_path / "autograder"
    source = unpack_as_setup_does(out, root, tmp_path / "opt")
    submission = stub_submission(tmp_path / "upload") / "exercises"
    submission.rename(root / "submission")  # students upload the package's files
    script = source / "run_autograder"
    script.chmod(0o755)
    env = {**os.environ, "TOYOPT_AUTOGRADER_ROOT": str(root), "TOYOPT_PYTHON": sys.executable,
           "TOYOPT_PREFIX": str(tmp_path / "opt")}
    done = subprocess.run([str(script)], env=env, timeout=600, cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["max_score"] > 0
    assert results["tests"] and all(t["status"] == "failed" or t["max_score"] == 0
                                    for t in results["tests"])
    assert "not implemented yet" in results["tests"][0]["output"]


def test_run_autograder_without_setup_says_so_in_results_json(tmp_path):
    out = tmp_path / "autograder.zip"
    assert main(["gradescope-bundle", str(out)]) == 0
    root = tmp_path / "autograder"
    zipfile.ZipFile(out).extractall(root / "source")
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    env = {**os.environ, "TOYOPT_AUTOGRADER_ROOT": str(root), "TOYOPT_PREFIX": str(tmp_path / "none")}
    done = subprocess.run([str(script)], env=env, timeout=60, capture_output=True, text=True)
    assert done.returncode == 2
    assert "setup.sh did not run" in done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "failed to run" in results["output"]


def test_printed_next_steps_and_the_docs_state_the_same_key_facts(tmp_path, capsys):
    assert main(["gradescope-bundle", str(tmp_path / "ag.zip")]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    docs = " ".join((ROOT / "docs" / "gradescope.md").read_text().replace("**", "").split())
    missing = {fact: (fact in printed, fact in docs) for fact in KEY_FACTS
               if fact not in printed or fact not in docs}
    assert missing == {}, "fact: (in the printed steps, in docs/gradescope.md)"
    assert "ag.zip" in printed
