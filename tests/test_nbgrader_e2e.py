"""nbgrader end to end, with nbgrader itself and a real Jupyter kernel.

One course is run through the instructor's workflow of docs/instructors.md:
init, generate_assignment, autograde of three submissions, export,
generate_feedback. The submissions are the source notebook (full marks), the
released notebook untouched (0) and a notebook with two exercises solved and
one test cell replaced by ``pass`` (exactly the two exercises' points). The
last check of every exercise is hidden (``--hide``), so hidden tests are
exercised whatever the registry marks. Expected points come from the checks
registry, never from constants. Takes 2-3 minutes on 2 busy cores.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from toyopt.checks import EXERCISES
from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT as ASSIGNMENT, NOTEBOOK_FILE, CourseExistsError, init_course
from toyopt.notebook.build import exercise_points, grade_id, grading_cell_source, notebook_checks
from toyopt.notebook.prose import ANSWER_POINTS, QUESTIONS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "instructors.md"
SOLVED = ("spiral_2d", "circular_mse")  # what the partial submission solves
EDITED = "epoch_loop"  # the exercise whose first test cell that student replaces by `pass`


def doc_commands():
    """Command lines of the ```bash blocks of docs/instructors.md."""
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


class Session:
    """Runs commands like a shell would (``cd`` included) and records them."""

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.ran: list[str] = []
        self.timings: dict[str, float] = {}
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        self.env.setdefault("MPLCONFIGDIR", str(cwd / ".mpl"))
        self.env.pop("MPLBACKEND", None)  # the kernel picks its inline backend

    def __call__(self, line: str, ok_codes=(0,)):
        argv = shlex.split(line)
        self.ran.append(line)
        if argv[0] == "cd":
            self.cwd = self.cwd / argv[1]
            return None
        program = {"toyopt": "toyopt", "nbgrader": "nbgrader"}[argv[0]]
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", program, *argv[1:]], cwd=self.cwd, env=self.env,
                              capture_output=True, text=True, timeout=600)
        self.timings[line] = time.perf_counter() - start
        if proc.returncode not in ok_codes:
            raise AssertionError(f"`{line}` exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        return proc


def hidden_ids():
    """The last CPU check of every exercise: hidden in this course."""
    return [notebook_checks(ex)[-1].id for ex in EXERCISES if notebook_checks(ex)]


def make_partial(source: Path, release: Path, out: Path):
    """The released notebook with the `SOLVED` solution cells taken from the
    source and the first test cell of `EDITED` replaced by ``pass``."""
    src = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nbformat.read(source, 4).cells}
    nb = nbformat.read(release, 4)
    first_test = grade_id(f"test_{notebook_checks(EDITED)[0].id}")
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in SOLVED:
            cell.source = src[gid].source
        elif gid == first_test:
            cell.source = "pass"
    nbformat.write(nb, out)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if not all(notebook_checks(ex) for ex in EXERCISES):
        pytest.fail("every exercise needs at least one check for this test to mean anything")
    base = tmp_path_factory.mktemp("nbgrader")
    run = Session(base)
    commands = doc_commands()
    (init,), rest = commands[:1], commands[1:]
    start = time.perf_counter()
    run(init)
    # the refusal and --force/--hide are unit-tested; here, in-process, to save a CLI start
    with pytest.raises(CourseExistsError):
        init_course(base / "course")
    init_course(base / "course", force=True, hidden=hidden_ids())
    run(rest[rest.index("cd course")])
    run("nbgrader generate_assignment optimisation_and_learning")
    root = run.cwd
    source = root / "source" / ASSIGNMENT / NOTEBOOK_FILE
    release = root / "release" / ASSIGNMENT / NOTEBOOK_FILE
    for student in ("alice", "bob", "carol"):
        (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    subs = {s: root / "submitted" / s / ASSIGNMENT / NOTEBOOK_FILE for s in ("alice", "bob", "carol")}
    subs["alice"].write_bytes(source.read_bytes())
    subs["bob"].write_bytes(release.read_bytes())
    make_partial(source, release, subs["carol"])
    for line in rest[rest.index("cd course") + 1:]:
        if not line.startswith("nbgrader generate_assignment"):
            # a batch autograde exits 1 if any one notebook failed to grade: the grades tell
            run(line, ok_codes=(0, 1) if "autograde" in line else (0,))
    run.timings["total"] = time.perf_counter() - start
    print("\nnbgrader e2e timings (s):", json.dumps({k: round(v, 1) for k, v in run.timings.items()}, indent=1))
    with open(root / "grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    print("grades:", {s: (r["score"], r["max_score"]) for s, r in grades.items()})
    return {"root": root, "source": source, "release": release, "grades": grades, "run": run}


def autograded(course, student):
    return nbformat.read(course["root"] / "autograded" / student / ASSIGNMENT / NOTEBOOK_FILE, 4)


def feedback_text(course, student):
    """The feedback HTML of `student` as plain text (tags dropped, entities decoded)."""
    path = course["root"] / "feedback" / student / ASSIGNMENT / NOTEBOOK_FILE.replace(".ipynb", ".html")
    raw = path.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def total_autograded():
    return sum(exercise_points(ex) for ex in EXERCISES)


def test_release_holds_no_solution_and_no_hidden_test(course):
    text = course["release"].read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    for chk_id in hidden_ids():
        assert f'ids=["{chk_id}"]' not in text
    # the solution bodies are gone: a line of each reference body is absent
    assert "np.random.uniform(-SPIRAL_NOISE, SPIRAL_NOISE, (2 * half, 2))" not in text
    assert "torch.remainder(diff + half, period) - half" not in text
    release = nbformat.read(course["release"], 4)
    stubs = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    assert len(stubs) == len(EXERCISES) and all("raise NotImplementedError()" in c.source for c in stubs)


def test_exported_scores_are_exactly_the_expected_ones(course):
    grades = course["grades"]
    max_score = total_autograded() + ANSWER_POINTS * len(QUESTIONS)
    for student in ("alice", "bob", "carol"):
        assert float(grades[student]["max_score"]) == pytest.approx(max_score, abs=1e-9)
    # alice: the source notebook gets every autograded point (written answers await a human)
    assert float(grades["alice"]["score"]) == pytest.approx(total_autograded(), abs=1e-9)
    assert float(grades["bob"]["score"]) == pytest.approx(0.0, abs=1e-9)
    solved = sum(exercise_points(ex) for ex in SOLVED)
    assert float(grades["carol"]["score"]) == pytest.approx(solved, abs=1e-9)


def test_edited_test_cell_is_restored_before_grading(course):
    first = notebook_checks(EDITED)[0]
    gid = grade_id(f"test_{first.id}")
    cell = next(c for c in autograded(course, "carol").cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
    assert cell.source == grading_cell_source(first, hidden_ids())
    assert any(o.output_type == "error" for o in cell.outputs)  # the stub fails it again


def test_failing_test_cells_show_the_message_without_grader_frames(course):
    errors = [o for c in autograded(course, "bob").cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors and all(o.ename == "CheckFailed" and len(o.traceback) == 1 for o in errors)
    assert "toyopt/notebook/cells.py" not in feedback_text(course, "bob")


def test_test_cells_write_nothing_to_stderr_on_the_solution(course):
    for cell in autograded(course, "alice").cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
            assert ("stream", "stderr") not in kinds and all(k != "error" for k, _ in kinds), (meta["grade_id"], kinds)


def test_feedback_holds_no_hidden_test_source_even_when_it_fails(course):
    hidden_lines = [f'run("{i.split(".")[0]}", globals(), ids=["{i}"])' for i in hidden_ids()]
    for student in ("alice", "bob", "carol"):
        text = feedback_text(course, student)
        assert "HIDDEN TESTS" not in text
        for line in hidden_lines:
            assert line not in text, (student, line)
    # bob's hidden tests did fail, and his feedback still says why (no source)
    failing = [c for c in autograded(course, "bob").cells
               if "BEGIN HIDDEN TESTS" in c.source and any(o.output_type == "error" for o in c.outputs)]
    assert len(failing) == len(hidden_ids())
    assert "CheckFailed: spiral_2d: not implemented yet" in feedback_text(course, "bob")
    assert "(hidden test)" in feedback_text(course, "bob")


def test_every_command_of_the_instructor_doc_is_exercised(course):
    missing = [line for line in doc_commands() if line not in course["run"].ran]
    assert missing == [], f"docs/instructors.md lists commands the e2e test does not run: {missing}"
