"""`toyopt grade`: folders, zips and notebooks; bulk mode; bad input; resuming."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from grade_support import crashing_grade, reference_notebook, reference_submission, stub_submission

import toyopt_ref
from toyopt.cli import main
from toyopt.grading.bulk import grade_many
from toyopt.grading.report import grade_submission


def _zip(folder, path):
    with zipfile.ZipFile(path, "w") as archive:
        for file in folder.rglob("*"):
            archive.write(file, file.relative_to(folder))
    return path


@pytest.mark.slow
def test_grade_zip_writes_gradescope_results_with_full_marks(tmp_path, capsys):
    archive = _zip(reference_submission(tmp_path / "ref"), tmp_path / "alice.zip")
    results = tmp_path / "res" / "results.json"
    assert main(["grade", str(archive), "--results", str(results), "--timeout", "120"]) == 0
    data = json.loads(results.read_text())
    assert data["score"] == data["max_score"] > 0
    assert {"tests", "execution_time", "output"} <= set(data)
    assert all(len(t["tags"]) == 1 for t in data["tests"])
    assert "total" in capsys.readouterr().out


@pytest.mark.slow
def test_grade_notebook_with_reference_cells_gets_full_marks(tmp_path):
    report = grade_submission(reference_notebook(tmp_path / "bob.ipynb"), timeout=120)
    assert report.submission == "bob"
    assert report.score == report.max_score > 0
    assert report.notes[0].startswith("isolation: bubblewrap") or report.notes[0].startswith("WARNING")


def test_stub_folder_scores_zero_with_not_implemented_messages(tmp_path):
    report = grade_submission(stub_submission(tmp_path / "carol"), timeout=120, figures=False)
    assert report.score == 0 and report.error == ""
    assert all(r.status in ("not_implemented", "skipped") for r in report.results)


@pytest.mark.parametrize("argv, needle", [
    (["grade", "/nonexistent/sub"], "submission not found"),
    (["grade", "{sub}", "{sub}"], "--out-dir"),
    (["grade", "{sub}", "--out-dir", "{file}"], "not a folder"),
    (["grade", "{sub}", "--timeout", "0"], "--timeout"),
    (["grade", "{sub}", "--csv", "x.csv"], "--csv needs --out-dir"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, needle):
    sub = tmp_path / "sub"
    sub.mkdir()
    (tmp_path / "file").write_text("")
    argv = [a.format(sub=sub, file=tmp_path / "file") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1


@pytest.mark.slow
def test_bulk_broken_and_crashing_submissions_never_lose_the_others(tmp_path):
    subs = tmp_path / "subs"
    stub_submission(subs / "good")
    (subs / "empty").mkdir()  # no exercises/, no notebook
    stub_submission(subs / "crash")  # the grader's process dies on this one
    (subs / "corrupt.zip").write_bytes(b"not a zip")
    out = tmp_path / "out"
    counts = grade_many(sorted(subs.iterdir()), out, jobs=2, timeout=60, progress=False,
                        grade=crashing_grade, figures=False)
    assert counts["graded"] == 4
    for name in ("good", "empty", "crash", "corrupt"):
        assert (out / name / "results.json").is_file(), name
        assert (out / name / "feedback.html").is_file(), name
    crash = json.loads((out / "crash" / "results.json").read_text())
    assert "died" in crash["output"]
    empty = json.loads((out / "empty" / "results.json").read_text())
    assert "could not be read" in empty["output"]
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [r["submission"] for r in rows] == ["corrupt", "crash", "empty", "good"]
    assert list(rows[0]) == ["submission", "spiral_2d", "plot_datasets", "circular_mse",
                             "epoch_loop", "total"]


@pytest.mark.slow
def test_rerun_resumes_and_force_regrades(tmp_path, capsys):
    sub = stub_submission(tmp_path / "dave")
    out = tmp_path / "out"
    argv = ["grade", str(sub), "--out-dir", str(out), "--jobs", "1", "--csv", str(tmp_path / "g.csv")]
    assert main(argv) == 0
    first = (out / "dave" / "results.json").stat().st_mtime_ns
    assert main(argv) == 0
    assert "skipped 1" in capsys.readouterr().out
    assert (out / "dave" / "results.json").stat().st_mtime_ns == first
    assert main([*argv, "--force"]) == 0
    assert (out / "dave" / "results.json").stat().st_mtime_ns != first
    assert (tmp_path / "g.csv").read_text().startswith("submission,spiral_2d")
    shutil.rmtree(out)


@pytest.mark.parametrize("name, content", [("script.py", b"print('hi')\n"), ("empty.txt", b""),
                                           ("photo.png", b"\x89PNG\r\n\x1a\n")])
def test_a_file_that_is_not_a_submission_gets_one_line_and_results_saying_what_to_submit(
        tmp_path, capsys, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    results = tmp_path / "results.json"
    assert main(["grade", str(path), "--results", str(results)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    assert "is not a submission" in err and "exercises/" in err and "Traceback" not in err
    data = json.loads(results.read_text())
    assert data["score"] == 0 and data["max_score"] == 100
    assert "submit your exercises/ folder" in data["output"]


def test_an_upload_of_one_exercise_file_is_graded_on_it(tmp_path):
    from toyopt.release.stubs import render_exercises

    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(Path(toyopt_ref.__file__).parent / "losses.py", flat / "losses.py")  # only this
    report = grade_submission(flat, timeout=120, figures=False)
    totals = report.totals
    assert totals["circular_mse"]["score"] == 25, [r.message for r in report.results]
    assert totals["spiral_2d"]["score"] == 0
    messages = [r.message for r in report.results]
    assert "exercises/data.py is missing from the submission" in messages[0], messages[0]
    assert not any("No module named" in m for m in messages), messages
    assert "errors.py" in render_exercises()  # the kit's own module that the upload lacked


@pytest.mark.slow
def test_grading_a_non_submission_never_aborts_under_load(tmp_path):
    import multiprocessing
    import subprocess
    import sys

    hog = multiprocessing.Process(target=_spin, daemon=True)
    hog.start()
    try:
        codes = []
        for n in range(8):
            path = tmp_path / (f"s{n}.py" if n % 2 else f"e{n}.txt")
            path.write_text("print('x')\n" if n % 2 else "")
            results = tmp_path / f"r{n}.json"
            done = subprocess.run([sys.executable, "-m", "toyopt", "grade", str(path), "--results",
                                   str(results)], capture_output=True, text=True, timeout=120)
            codes.append((done.returncode, done.stderr[-300:]))
    finally:
        hog.kill()
    assert all(rc == 0 and "terminate called" not in err for rc, err in codes), codes
    # a fresh process counts the hidden checks too (the CLI registers them itself)
    assert json.loads(results.read_text())["max_score"] == 100


def _spin():
    while True:
        pass
