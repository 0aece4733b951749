"""nbgrader end to end, with nbgrader itself and a real Jupyter kernel.

One course is run through the instructor's workflow of docs/instructors.md:
init, generate_assignment, autograde of three submissions, export,
generate_feedback. The submissions are the source notebook (full marks), the
released notebook untouched (0) and a notebook with two exercises solved and
one test cell replaced by ``pass`` (exactly the two exercises' points). The
last check of every exercise is hidden (``--hide``), so hidden tests are
exercised whatever the registry marks. Expected points come from the checks
registry, never from constants.

The course uses the default execute step, `SandboxedExecute` (the notebook's
code in the sandbox, test cells graded outside it). The hostile notebooks of
``tests/hostile-nb/`` are further students of the same autograde run: each
must score exactly what its genuine work earns, and the course folder may
change only by nbgrader's own writes. Takes 4-6 minutes on 2 busy cores.
"""

from __future__ import annotations

import csv
import hashlib
import html
import importlib.util
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
from grade_support import ROOT

from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT as ASSIGNMENT
from toyopt.nbgrader.course import NOTEBOOK_FILE, CourseExistsError, init_course
from toyopt.notebook.build import ANSWER_POINTS, exercise_points, grade_id, grading_cell_source, notebook_checks
from toyopt_check.checks import EXERCISES

pytestmark = pytest.mark.slow


DOC = ROOT / "docs" / "instructors.md"
SOLVED = ("spiral_2d", "circular_mse")  # what the partial submission solves
EDITED = "epoch_loop"  # the exercise whose first test cell that student replaces by `pass`
HOSTILE = ROOT / "tests" / "hostile-nb"
#: seconds per cell in the test course (an endless cell costs this much)
CELL_TIMEOUT = 30
#: what nbgrader itself writes in the course folder while grading
NBGRADER_WRITES = ("autograded", "feedback", "submitted", "gradebook.db", "grades.csv", ".mpl")


def hostile_cases():
    """``{student id: module}`` of the hostile corpus."""
    cases = {}
    for path in sorted(HOSTILE.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"hostile_nb_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases[f"h_{path.stem}"] = module
    return cases


def expected_points(solved) -> float:
    return sum(exercise_points(ex) for ex in (EXERCISES if solved == "all" else solved))


def course_snapshot(root: Path) -> dict:
    """``{relative path: sha256}`` of the course files nbgrader does not write."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] not in NBGRADER_WRITES:
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


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
                              capture_output=True, text=True, timeout=2400)
        self.timings[line] = time.perf_counter() - start
        if proc.returncode not in ok_codes:
            raise AssertionError(f"`{line}` exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        return proc


def hidden_by_option():
    """The last CPU check of every exercise: hidden in this course by `--hide`."""
    return [notebook_checks(ex)[-1].id for ex in EXERCISES if notebook_checks(ex)]


def hidden_ids():
    """Every hidden check of this course: `--hide`'s and those the registry marks hidden."""
    marked = [c.id for ex in EXERCISES for c in notebook_checks(ex) if c.visibility != "visible"]
    return sorted(set(marked) | set(hidden_by_option()))


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
    init_course(base / "course", force=True, hidden=hidden_by_option())
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
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.SandboxedExecute.cell_timeout = {CELL_TIMEOUT}\n")
    source_cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nbformat.read(source, 4).cells}
    cases = hostile_cases()
    for student, case in cases.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        if hasattr(case, "RAW"):
            (folder / NOTEBOOK_FILE).write_text(case.RAW, encoding="utf-8")
            continue
        nb = nbformat.read(source if case.BASE == "source" else release, 4)
        case.make(nb, {"root": root, "source_cells": source_cells})
        nbformat.write(nb, folder / NOTEBOOK_FILE)
    before = course_snapshot(root)
    for line in rest[rest.index("cd course") + 1:]:
        if not line.startswith("nbgrader generate_assignment"):
            # a batch autograde exits 1 if any one notebook failed to grade: the grades tell
            run(line, ok_codes=(0, 1) if "autograde" in line else (0,))
    run.timings["total"] = time.perf_counter() - start
    print("\nnbgrader e2e timings (s):", json.dumps({k: round(v, 1) for k, v in run.timings.items()}, indent=1))
    with open(root / "grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    print("grades:", {s: (r["score"], r["max_score"]) for s, r in grades.items()})
    return {"root": root, "source": source, "release": release, "grades": grades, "run": run,
            "cases": cases, "before": before, "after": course_snapshot(root)}


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
    max_score = total_autograded() + ANSWER_POINTS * 4  # the four hand-graded questions of notebook.md
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
    assert errors and all(o.ename == "TestCellFailed" and len(o.traceback) == 1 for o in errors)
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
    assert "TestCellFailed: spiral_2d: not implemented yet" in feedback_text(course, "bob")
    assert "(hidden test)" in feedback_text(course, "bob")


def test_every_command_of_the_instructor_doc_is_exercised(course):
    missing = [line for line in doc_commands() if line not in course["run"].ran]
    assert missing == [], f"docs/instructors.md lists commands the e2e test does not run: {missing}"


def test_solution_cells_show_what_they_printed_and_drew(course):
    """The sandbox sends back the cells' outputs: prints and pictures reach the feedback."""
    cells = autograded(course, "alice").cells
    texts = [o.get("text", "") for c in cells if c.cell_type == "code" for o in c.outputs]
    assert any("running on cpu" in t for t in texts)
    pictures = [o for c in cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "display_data" and "image/png" in o.data]
    assert len(pictures) >= 3


def test_config_grades_in_the_sandbox_by_default(course):
    text = (course["root"] / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "SandboxedExecute, IgnorePattern" in text
    assert "\nc.SandboxedExecute.in_kernel = True" not in text


@pytest.mark.parametrize("student", sorted(hostile_cases()))
def test_hostile_notebook_scores_exactly_its_genuine_work(course, student):
    case = course["cases"][student]
    grades = course["grades"]
    got = float(grades[student]["score"]) if student in grades else 0.0
    assert got == pytest.approx(expected_points(case.SOLVED), abs=1e-9), case.__doc__


def test_hostile_notebooks_leave_other_students_and_the_course_alone(course):
    grades = course["grades"]
    assert float(grades["alice"]["score"]) == pytest.approx(total_autograded(), abs=1e-9)
    assert float(grades["bob"]["score"]) == pytest.approx(0.0, abs=1e-9)
    assert course["after"] == course["before"]  # config, source/, release/ unchanged
    import sqlite3

    with sqlite3.connect(course["root"] / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)


def test_hostile_notebook_reads_no_course_file(course):
    nb = autograded(course, "h_course_files")
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "no read" in text and "READ " not in text and "WROTE" not in text and "FOUND" not in text
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text


def test_hostile_notebook_walking_every_readable_file_finds_no_answer(course):
    nb = autograded(course, "h_walk_for_answers")
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    match = re.search(r"PROBE-WALK \((\d+), \[(.*?)\]\)", text)
    assert match, text[-2000:]
    assert int(match.group(1)) > 10_000  # it did walk the system and the libraries
    found = [f for f in re.findall(r"'([^']*)'", match.group(2))
             if not ("/site-packages/nbgrader/" in f and f.endswith("gradebook.db"))]  # nbgrader's fixture
    assert found == [], found


def test_output_flood_is_capped(course):
    path = course["root"] / "autograded" / "h_flood" / ASSIGNMENT / NOTEBOOK_FILE
    assert path.stat().st_size < 24 * 2**20
    assert "output truncated" in path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- same points on every route
# Corpus cases written into the notebook get the same per-check points from this
# step, `toyopt grade notebook.ipynb` and `pytest autograder`:
# tests/bench/test_route_identity.py (a sample), bench/route_identity.py (the corpus).


def _release_with(course, solved, path):
    """The release notebook with the `solved` solution cells pasted from the source."""
    src = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nbformat.read(course["source"], 4).cells}
    nb = nbformat.read(course["release"], 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in solved:
            cell.source = src[cell.metadata["nbgrader"]["grade_id"]].source
    nbformat.write(nb, path)
    return path


def test_toyopt_grade_gives_a_solved_release_notebook_full_marks(course, tmp_path):
    from toyopt.grading.report import grade_submission

    report = grade_submission(_release_with(course, EXERCISES, tmp_path / "solved.ipynb"), figures=False)
    assert report.score == report.max_score > 0, [r.message for r in report.results if not r.passed]


def test_toyopt_grade_messages_name_the_notebook_not_package_files(course, tmp_path):
    from toyopt.grading.report import grade_submission

    report = grade_submission(_release_with(course, SOLVED, tmp_path / "partial.ipynb"), figures=False)
    assert report.score == pytest.approx(sum(c.points for ex in SOLVED for c in notebook_checks(ex)))
    stubs = [r for r in report.results if r.status == "not_implemented"]
    assert stubs and all("solution cell" in r.message and "exercises/" not in r.message for r in stubs)
