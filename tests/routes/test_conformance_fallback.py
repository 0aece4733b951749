"""Conformance of the fallback routes (issue 17, routes 2 and 3): the Gradescope
bundle's ``run_autograder`` and ``toyopt grade --allow-fallback``, in a root laid
out like a grading container, with bubblewrap switched off (``TOYOPT_NO_BWRAP=1``).

As root, the module builds that root in a temporary folder and makes it
traversable (0755: folders this test creates; ``mkdtemp`` gives 0700, which
would shut the student's uid out for the wrong reason). It unpacks the bundle
as Gradescope does (``autograder/source``, ``submission``, ``results``) and runs
its ``setup.sh`` (no apt-get: the system ``python3`` makes the virtualenv, as on
Gradescope's image). An instructor's checkout sits in a home folder (0700).
Each claim: the stubs score 0, the reference full marks, a hostile submission
what its genuine work earns, and a probe walking every readable path finds no
answer but the one the test planted. A route that cannot run here is skipped
with its reason.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from grade_support import HOSTILE, REF_DIR, attack, reference_submission, scores, stub_submission
from grade_support import ROOT as REPO

from toyopt.commands.grade import NO_SANDBOX, REFUSED, REFUSED_FOR_STUDENTS
from toyopt.grading.bundle import build_bundle
from toyopt.release.stubs import render_exercises

pytestmark = pytest.mark.slow


SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SYSTEM_PYTHON = "/usr/bin/python3"
#: folders of the machine a container shares with the test's root (the rest of the
#: host, /work or /tmp, is not part of a grading container)
SYSTEM_ROOTS = ["/usr", "/etc", "/var", "/bin", "/sbin", "/lib", "/lib64"]
BUDGET = 300  # per exercise: the probe's walk takes a minute on a busy machine
HIDDEN_IDS = ["spiral_2d.learnable", "plot_datasets.suptitle", "circular_mse.learns_angles",
              "epoch_loop.converges_linear", "epoch_loop.converges_circular"]


def route_blocker() -> str | None:
    """Why the fallback routes cannot run on this machine, or None."""
    if not sys.platform.startswith("linux"):
        return "the fallback's own uid is Linux-only"
    if os.geteuid() != 0:
        return "the fallback's own uid needs a root caller (run as root)"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"no {SYSTEM_PYTHON} for a container-like root (its uid needs a Python it can reach)"
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import venv, ensurepip"], capture_output=True)
    if done.returncode:
        return f"{SYSTEM_PYTHON} cannot make a virtualenv (no venv/ensurepip)"
    return None


def solution_lines() -> set[str]:
    """Lines of the reference's solution regions that the released stubs do not hold."""
    released = {line.strip() for text in render_exercises().values() for line in text.splitlines()}
    found = set()
    for path in sorted(REF_DIR.glob("*.py")):
        inside = False
        for line in path.read_text().splitlines():
            text = line.strip()
            if text.startswith("### BEGIN SOLUTION"):
                inside = True
            elif text.startswith("### END SOLUTION"):
                inside = False
            elif inside and len(text) >= 24 and not text.startswith("#") and text not in released:
                found.add(text)
    return found


def _library_lines(venv: Path) -> set[str]:
    """Lines of the virtualenv's third-party sources (a solution line torch's docs
    also hold is no secret: it cannot show a leak)."""
    found = set()
    for path in venv.rglob("*.py"):
        try:
            found.update(line.strip() for line in path.read_text(errors="replace").splitlines())
        except OSError:
            continue
    return found


def _b64(items) -> str:
    return json.dumps([base64.b64encode(i.encode()).decode() for i in sorted(items)])


@dataclass
class Container:
    root: Path          #: the container's /
    autograder: Path    #: its /autograder
    opt: Path           #: its /opt (TOYOPT_PREFIX)
    home: Path          #: the instructor's home (0700)
    checkout: Path      #: the instructor's checkout, in that home
    work: Path          #: folder of this test's submissions (outside the root)
    needles: set        #: solution lines the probe looks for
    planted: Path       #: a readable file the test planted with one solution line

    @property
    def python(self) -> Path:
        return self.opt / "toyopt-venv" / "bin" / "python"

    def env(self, **extra) -> dict:
        keep = {k: v for k, v in os.environ.items() if k.startswith(("PIP_", "LANG", "LC_"))}
        return {**keep, "PATH": SYSTEM_PATH, "HOME": "/root", "TOYOPT_NO_BWRAP": "1", **extra}

    def probe(self, name: str, own=()) -> Path:
        """The released stubs with `walk_for_answers` in data.py."""
        return attack(stub_submission(self.work / name), "walk_for_answers", "data.py",
                      NEEDLES=_b64(self.needles), IDS=_b64(HIDDEN_IDS),
                      ROOTS=json.dumps([str(self.root), *SYSTEM_ROOTS]),
                      OWN=json.dumps([str(p) for p in own]))


def _mkdir(path: Path, mode: int = 0o755) -> Path:
    path.mkdir()
    os.chmod(path, mode)  # ours, just made
    return path


@pytest.fixture(scope="module")
def container():
    reason = route_blocker()
    if reason:
        print(f"fallback routes skipped: {reason}")
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="toyopt-conformance-"))
    os.chmod(base, 0o755)  # ours: traversable, as / is in a container
    root = _mkdir(base / "root")
    autograder = _mkdir(root / "autograder")
    opt = _mkdir(root / "opt")
    source = _mkdir(autograder / "source")
    zip_path = build_bundle(base / "autograder.zip", timeout=BUDGET)
    old = os.umask(0o022)  # as root unzips on Gradescope: world-readable
    try:
        import zipfile

        zipfile.ZipFile(zip_path).extractall(source)
    finally:
        os.umask(old)
    for script in ("setup.sh", "run_autograder"):
        os.chmod(source / script, 0o755)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PATH=SYSTEM_PATH, TOYOPT_PREFIX=str(opt), TOYOPT_SKIP_APT="1")
    done = subprocess.run(["bash", str(source / "setup.sh")], env=env, capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    shutil.copy2(source / "run_autograder", autograder / "run_autograder")
    home = _mkdir(_mkdir(root / "home") / "teacher", 0o700)
    checkout = _mkdir(home / "course")
    for name in ("toyopt", "toyopt_check", "toyopt_ref", "notebooks"):
        shutil.copytree(REPO / name, checkout / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    needles = solution_lines() - _library_lines(opt / "toyopt-venv")
    planted = _mkdir(root / "srv") / "notes.txt"
    planted.write_text(sorted(needles)[0] + "\n")
    work = Path(tempfile.mkdtemp(prefix="toyopt-conformance-work-"))
    yield Container(root, autograder, opt, home, checkout, work, needles, planted)
    shutil.rmtree(base, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------- route 3: Gradescope
def run_bundle(box: Container, submission: Path) -> tuple[int, dict, str]:
    """Unpack `submission`'s exercises as Gradescope does and run run_autograder."""
    target = box.autograder / "submission"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(submission / "exercises", target)
    results = box.autograder / "results"
    shutil.rmtree(results, ignore_errors=True)
    _mkdir(results)
    done = subprocess.run([str(box.autograder / "run_autograder")], capture_output=True, text=True,
                          env=box.env(TOYOPT_AUTOGRADER_ROOT=str(box.autograder),
                                      TOYOPT_PREFIX=str(box.opt)),
                          cwd=box.work, timeout=1800)
    return done.returncode, json.loads((results / "results.json").read_text()), done.stderr


def folder_modes(trees, folders=()) -> dict:
    """``{folder: (mode, uid, gid)}`` of every folder under `trees`, of their
    ancestors, and of `folders` themselves."""
    def entry(path):
        info = os.lstat(path)
        return stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid

    found = {str(f): entry(f) for f in folders}
    for top in map(Path, trees):
        found.update((str(f), entry(f)) for f in (top, *top.parents))
        for parent, dirs, _ in os.walk(top):
            found.update((os.path.join(parent, d), entry(os.path.join(parent, d))) for d in dirs)
    return found


#: shared folders a grading passes through (their subtrees belong to others)
SHARED = [tempfile.gettempdir(), "/usr", "/usr/bin", "/usr/lib"]


def _changed(before: dict, after: dict) -> dict:
    return {k: (before[k], after[k]) for k in before.keys() & after.keys() if before[k] != after[k]}


@pytest.fixture(scope="module")
def bundle_graded(container):
    box = container
    grader = box.opt / "toyopt-grader" / "lib"
    attack(stub_submission(box.work / "hostile"), "read_instructor_files", "data.py",
           PATHS=json.dumps([str(grader / "toyopt_ref" / "data.py"),
                             str(box.autograder / "source/toyopt-src/grader/toyopt_ref/data.py")]))
    box.probe("probe", own=[box.autograder / "submission"])
    reference_submission(box.work / "reference")
    stub_submission(box.work / "stub")
    before = folder_modes([box.root], SHARED)
    graded = {name: run_bundle(box, box.work / name)
              for name in ("stub", "reference", "hostile", "probe")}
    return dict(graded=graded, changed=_changed(before, folder_modes([box.root], SHARED)))


def probe_report(results: dict) -> tuple[int, list[str]]:
    """(files walked, files found) from the probe's message in results.json."""
    reports = [t["output"] for t in results["tests"] if "PROBE files=" in t["output"]]
    assert reports, [t["output"] for t in results["tests"]][:3]
    match = re.search(r"PROBE files=(\d+) found=(\d+) \[([^\]]*)\]", reports[0])
    found = [p for p in match.group(3).split(" | ") if p]
    assert len(found) == min(int(match.group(2)), 8), reports[0]
    return int(match.group(1)), found


def test_bundle_setup_leaves_the_instructor_side_only_to_root(container):
    grader = container.opt / "toyopt-grader"
    assert stat.S_IMODE(grader.stat().st_mode) == 0o700 and grader.stat().st_uid == 0
    assert (grader / "lib" / "toyopt_ref" / "data.py").is_file()
    assert not (container.autograder / "source" / "toyopt-src").exists()
    site = list((container.opt / "toyopt-venv").glob("lib/python3*/site-packages"))[0]
    assert (site / "toyopt_check").is_dir()
    assert not (site / "toyopt").exists() and not (site / "toyopt_ref").exists()


def test_bundle_grades_stubs_zero_in_the_fallback(bundle_graded):
    rc, results, stderr = bundle_graded["graded"]["stub"]
    assert rc == 0, stderr[-2000:]
    assert results["score"] == 0 and results["max_score"] > 0
    assert results["extra_data"]["isolation"]["sandbox"] == "fallback-uid"


def test_bundle_grades_the_reference_full_marks_in_the_fallback(bundle_graded):
    rc, results, stderr = bundle_graded["graded"]["reference"]
    assert rc == 0, stderr[-2000:]
    assert results["score"] == results["max_score"] > 0, [
        t["output"] for t in results["tests"] if t["score"] < t["max_score"]]
    assert results["extra_data"]["isolation"]["sandbox"] == "fallback-uid"


def test_bundle_hostile_copying_the_reference_earns_only_its_work(bundle_graded):
    rc, results, stderr = bundle_graded["graded"]["hostile"]
    assert rc == 0, stderr[-2000:]
    assert scores(results)["total"] == 0
    assert any("no answer found to copy" in t["output"] for t in results["tests"])


def test_bundle_probe_finds_no_answer_but_the_planted_one(container, bundle_graded):
    rc, results, stderr = bundle_graded["graded"]["probe"]
    assert rc == 0, stderr[-2000:]
    files, found = probe_report(results)
    assert files > 10_000  # it did walk the system and the virtualenv
    assert found == [str(container.planted)]


def test_bundle_grading_changes_no_mode_it_did_not_create(bundle_graded):
    assert bundle_graded["changed"] == {}


def test_bundle_canary_refuses_when_the_instructor_side_is_readable(container):
    grader = container.opt / "toyopt-grader"
    os.chmod(grader, 0o755)  # ours (setup.sh made it): as if setup had left it open
    try:
        rc, results, stderr = run_bundle(container, container.work / "stub")
    finally:
        os.chmod(grader, 0o700)
    assert rc == 2
    refused = results["extra_data"]["refused"]
    assert results["output"] == REFUSED_FOR_STUDENTS
    assert refused.startswith(REFUSED) and "can reach" in refused
    assert str(container.opt / "toyopt-grader") in refused
    assert results["tests"] == [] and results["score"] == 0
    assert "toyopt grade: error: " in stderr and "can reach" in stderr


# ----------------------------------------------------------------------------- route 2: toyopt grade
def run_grade(box: Container, submission: Path, *options) -> tuple[int, dict | None, str]:
    """``toyopt grade SUBMISSION --results`` from the instructor's checkout, in the fallback."""
    results = box.work / f"{submission.name}-results.json"
    results.unlink(missing_ok=True)
    done = subprocess.run([str(box.python), "-m", "toyopt", "grade", str(submission),
                           "--results", str(results), "--timeout", str(BUDGET), *options],
                          capture_output=True, text=True, cwd=box.checkout, timeout=1800,
                          env=box.env(PYTHONPATH=str(box.checkout), MPLBACKEND="Agg"))
    data = json.loads(results.read_text()) if results.exists() else None
    return done.returncode, data, done.stderr


def test_grade_refuses_the_fallback_unless_allowed(container):
    rc, results, stderr = run_grade(container, stub_submission(container.work / "refused"))
    assert rc == 2 and results is None
    assert stderr.strip() == f"toyopt grade: error: {NO_SANDBOX}"


@pytest.fixture(scope="module")
def grade_graded(container):
    box = container
    reader = attack(stub_submission(box.work / "reads-checkout"), "read_instructor_files",
                    "data.py", PATHS=json.dumps([
                        str(box.checkout / "notebooks" / "optimisation_and_learning.ipynb"),
                        str(box.checkout / "toyopt_ref" / "data.py")]))
    probe = box.probe("grade-probe")
    before = folder_modes([box.root, box.work], SHARED)
    graded = {"reader": run_grade(box, reader, "--allow-fallback"),
              "probe": run_grade(box, probe, "--allow-fallback")}
    return dict(graded=graded, changed=_changed(before, folder_modes([box.root, box.work], SHARED)),
                reader=reader)


def test_reading_the_checkout_copies_the_answer_where_it_is_readable(tmp_path):
    """The control: where the instructor's notebook is readable (here, as root) and
    toyopt_ref cannot be imported, the attack returns the reference's spiral, so
    the 0 it scores in the fallback is the fallback's doing."""
    notebook = REPO / "notebooks" / "optimisation_and_learning.ipynb"
    code = (HOSTILE / "read_instructor_files.py").read_text().replace(
        "{{PATHS}}", json.dumps([str(notebook)]))
    script = ("import sys\nsys.modules['toyopt_ref'] = None\n" + code + "\n"
              "import numpy as np\n"
              "np.random.seed(0); copied = spiral_2d(10)\n"
              "from exercises.data import spiral_2d as reference\n"
              "np.random.seed(0); expected = reference(10)\n"
              "print(all(np.array_equal(a, b) for a, b in zip(copied, expected)))\n")
    (tmp_path / "attack.py").write_text(script)
    shutil.copytree(REF_DIR, tmp_path / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, str(tmp_path / "attack.py")], capture_output=True,
                          text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True", done.stdout[-2000:]


def test_grade_fallback_hostile_reading_the_checkout_earns_only_its_work(grade_graded):
    rc, results, stderr = grade_graded["graded"]["reader"]
    assert rc == 0, stderr[-2000:]
    assert results["extra_data"]["isolation"]["sandbox"] == "fallback-uid"
    assert scores(results)["total"] == 0
    assert any("no answer found to copy" in t["output"] for t in results["tests"])


def test_grade_fallback_probe_finds_no_answer_but_the_planted_one(container, grade_graded):
    rc, results, stderr = grade_graded["graded"]["probe"]
    assert rc == 0, stderr[-2000:]
    files, found = probe_report(results)
    assert files > 10_000
    assert found == [str(container.planted)]


def test_grade_fallback_changes_no_mode_it_did_not_create(grade_graded):
    assert grade_graded["changed"] == {}


def test_grade_fallback_canary_refuses_a_readable_checkout(container, grade_graded):
    os.chmod(container.home, 0o755)  # ours: a home other users may enter
    try:
        rc, results, stderr = run_grade(container, grade_graded["reader"], "--allow-fallback")
    finally:
        os.chmod(container.home, 0o700)
    assert rc == 2
    assert results["output"] == REFUSED_FOR_STUDENTS
    assert results["extra_data"]["refused"].startswith(REFUSED)
    assert str(container.checkout) in results["extra_data"]["refused"]
    assert results["tests"] == [] and results["score"] == 0
    errors = [line for line in stderr.splitlines() if line.startswith("toyopt grade: error: ")]
    assert len(errors) == 1 and "the instructor's files" in errors[0], stderr[-2000:]
    assert len(errors[0]) < 600  # one readable line, not every path
