"""The fallback (no bubblewrap) refuses rather than weakens: `toyopt grade` needs
``--allow-fallback``; the launcher names the folder its uid cannot pass and
changes no mode; the canary's list holds the instructor's folders and files.
End to end, as root, in a container-like root: tests/routes/test_conformance_fallback.py."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from grade_support import ROOT, stub_submission
from sandbox_support import readable_instructor_folder

from toyopt.commands.grade import NO_SANDBOX, REFUSED, REFUSED_FOR_STUDENTS, FallbackRefused, grade_command
from toyopt.sandbox import SandboxBroken
from toyopt.sandbox.launcher import canary_paths, fallback_blocker, interpreter_blocker

UID = 2_100_000_000  # a uid that owns nothing here


def _folder(path: Path, mode: int) -> Path:
    path.mkdir()
    os.chmod(path, mode)  # ours, just made
    return path


@pytest.fixture
def open_tmp():
    """A temporary folder other users may pass (pytest's own are 0700): ours, 0755."""
    folder = Path(tempfile.mkdtemp(prefix="toyopt-test-fallback-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_grade_refuses_the_fallback_without_allow_fallback(tmp_path):
    stub = stub_submission(tmp_path / "stub")
    with pytest.raises(FallbackRefused) as info:
        grade_command([str(stub)], timeout=60, isolation="subprocess", stdout=io.StringIO(),
                      stderr=io.StringIO())
    assert str(info.value) == NO_SANDBOX and "--allow-fallback" in NO_SANDBOX


def test_grade_cli_refuses_without_bwrap_in_one_line(tmp_path):
    stub = stub_submission(tmp_path / "stub")
    done = subprocess.run([sys.executable, "-m", "toyopt", "grade", str(stub)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "TOYOPT_NO_BWRAP": "1", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr.strip() == f"toyopt grade: error: {NO_SANDBOX}"
    assert done.stdout == ""


def test_fallback_blocker_names_the_first_folder_the_uid_cannot_pass(open_tmp):
    base = _folder(open_tmp / "base", 0o755)
    closed = _folder(base / "home", 0o700)
    inside = _folder(closed / "venv", 0o755)
    why = fallback_blocker([("the Python interpreter's folder", str(inside))], UID)
    assert f"cannot pass {closed} (mode 0700" in why and why.startswith(
        f"the Python interpreter's folder {inside}")
    os.chmod(closed, 0o711)  # ours: passable, not listable
    assert fallback_blocker([("x", str(inside))], UID) is None
    assert "cannot read" in fallback_blocker([("x", str(closed))], UID)


def test_fallback_blocker_lets_the_owner_uid_in(open_tmp):
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another uid needs root")
    own = _folder(open_tmp / "scratch", 0o700)
    assert fallback_blocker([("the scratch copy", str(own))], UID) is not None
    os.chown(own, UID, UID)
    assert fallback_blocker([("the scratch copy", str(own))], UID) is None


def test_canary_paths_hold_folders_and_files_but_not_what_the_worker_needs(tmp_path):
    grader = _folder(tmp_path / "grader", 0o755)
    (grader / "secret.py").write_text("answer = 42\n")
    venv = _folder(grader / "venv", 0o755)
    (venv / "python").write_text("")
    paths = canary_paths([str(grader)], keep=[str(venv)])
    assert str(grader / "secret.py") in paths
    assert str(grader) not in paths  # an ancestor of what the worker needs: listable
    assert not any(p.startswith(str(venv)) for p in paths)
    alone = canary_paths([str(grader)])
    assert alone[0] == str(grader) and str(venv / "python") in alone


def needs_a_refusing_canary():
    """Skip unless a fallback worker here would start and find this checkout readable."""
    if os.geteuid() != 0:
        pytest.skip("the fallback's own uid needs a root caller")
    blocked = interpreter_blocker()
    if blocked:
        pytest.skip(f"the fallback's uid cannot run this interpreter: {blocked}")
    if readable_instructor_folder() is None:
        pytest.skip("this checkout is closed to other users: the canary has nothing to find")


def test_fallback_canary_refusal_is_written_to_results_json(tmp_path):
    """Where this checkout is readable by other users, a fallback grading refuses
    before any student code runs, and --results says so (score 0, no test)."""
    needs_a_refusing_canary()
    stub = stub_submission(tmp_path / "stub")
    results = tmp_path / "out" / "results.json"
    results.parent.mkdir()
    with pytest.raises(SandboxBroken, match="can reach the instructor's files"):
        grade_command([str(stub)], results=str(results), timeout=60, isolation="subprocess",
                      allow_fallback=True, stdout=io.StringIO(), stderr=io.StringIO())
    data = json.loads(results.read_text())
    assert data["score"] == 0 and data["tests"] == []
    assert data["output"] == REFUSED_FOR_STUDENTS
    assert data["extra_data"]["refused"].startswith(REFUSED) and "\n" not in data["extra_data"]["refused"]


def test_fallback_canary_refusal_stops_bulk_grading_with_no_results(tmp_path):
    needs_a_refusing_canary()
    subs = [stub_submission(tmp_path / name) for name in ("alice", "bob")]
    out = tmp_path / "graded"
    with pytest.raises(SandboxBroken, match="can reach the instructor's files"):
        grade_command([str(s) for s in subs], out_dir=str(out), jobs=2, timeout=60,
                      isolation="subprocess", allow_fallback=True, figures=False,
                      stdout=io.StringIO(), stderr=io.StringIO())
    assert not list(out.rglob("results.json"))
