"""No silent downgrade (issue 11 item 5), with real nbgrader.

Without bubblewrap (``bwrap`` not on PATH), ``nbgrader autograde`` of a course
made by ``toyopt nbgrader init`` refuses in one line naming the package, exit
status 1, before it touches a submission; with the in-kernel opt-in it grades
in the student's kernel (the solved notebook gets full marks) and the
feedback page says so.
"""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from grade_support import ROOT

from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT as ASSIGNMENT
from toyopt.nbgrader.course import NOTEBOOK_FILE, init_course
from toyopt.notebook.build import exercise_points

pytestmark = pytest.mark.slow


STUDENT = "ada"


def _nbgrader(course: Path, *args, path: str):
    env = dict(os.environ, PATH=path, PYTHONPATH=str(ROOT), MPLCONFIGDIR=str(course / ".mpl"))
    env.pop("MPLBACKEND", None)
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = init_course(tmp_path_factory.mktemp("preflight") / "course").root
    done = _nbgrader(root, "generate_assignment", ASSIGNMENT, path=os.environ["PATH"])
    assert done.returncode == 0, done.stderr[-2000:]
    folder = root / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copyfile(root / "source" / ASSIGNMENT / NOTEBOOK_FILE, folder / NOTEBOOK_FILE)
    # a PATH with this Python and nothing else: no bwrap
    bare = tmp_path_factory.mktemp("bin")
    (bare / "python").symlink_to(sys.executable)
    return {"root": root, "no_bwrap": str(bare)}


def test_without_bubblewrap_autograde_refuses_in_one_line_and_touches_nothing(course):
    root = course["root"]
    done = _nbgrader(root, "autograde", ASSIGNMENT, "--force", path=course["no_bwrap"])
    text = done.stdout + done.stderr
    assert done.returncode == 1
    errors = [line for line in text.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "'bubblewrap' package" in errors[0], text[-3000:]
    assert "c.SandboxedExecute.in_kernel = True" in errors[0]
    assert "Traceback" not in text
    assert not (root / "autograded" / STUDENT / ASSIGNMENT / NOTEBOOK_FILE).exists()


def test_in_kernel_opt_in_grades_and_every_feedback_page_says_so(course):
    root, path = course["root"], course["no_bwrap"]
    opt_in = "--SandboxedExecute.in_kernel=True"
    done = _nbgrader(root, "autograde", ASSIGNMENT, "--force", opt_in, path=path)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    done = _nbgrader(root, "generate_feedback", ASSIGNMENT, "--force", path=path)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    page = (root / "feedback" / STUDENT / ASSIGNMENT / NOTEBOOK_FILE.replace(".ipynb", ".html"))
    assert "Graded in the notebook&#39;s own kernel, not in the sandbox" in page.read_text(encoding="utf-8") \
        or "Graded in the notebook's own kernel, not in the sandbox" in page.read_text(encoding="utf-8")
    done = _nbgrader(root, "export", "--to", str(root / "grades.csv"), path=path)
    assert done.returncode == 0
    with open(root / "grades.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["student_id"] == STUDENT)
    autograded = sum(exercise_points(ex) for ex in ("spiral_2d", "plot_datasets", "circular_mse", "epoch_loop"))
    assert float(row["score"]) == pytest.approx(autograded)
