"""Bulk grading never overwrites: unique, sanitised, contained result folders,
one gradebook row per submission, and Ctrl-C keeps what finished."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from grade_support import TESTS

from toyopt.grading.bulk import grade_many, safe_name, unique_jobs
from toyopt.grading.report import failed_report


def echo_grade(job, options):
    """A pool function that grades nothing: its report says which source it was."""
    return failed_report(job.source, f"source={job.source}", name=job.name)


def sleepy_grade(job, options):
    """Fast for ``fast*`` submissions, an hour for the others."""
    if not job.name.startswith("fast"):
        time.sleep(3600)
    return failed_report(job.source, f"source={job.source}", name=job.name)


def _sources(root: Path, names) -> list[Path]:
    paths = []
    for name in names:
        path = root / name
        if name.endswith((".zip", ".ipynb")):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
        else:
            path.mkdir(parents=True)
        paths.append(path)
    return paths


def test_alike_names_get_distinct_folders_and_each_keeps_its_result(tmp_path):
    names = ["alice", "alice.zip", "alice-2", "Alice.ipynb", "ALICE-2.zip", "...zip", "..ipynb",
             "grades.csv.zip", "a b&c.zip", "x/y"]
    sources = _sources(tmp_path / "subs", names)
    out = tmp_path / "out"
    before = set(tmp_path.iterdir())
    counts = grade_many(sources, out, jobs=2, progress=False, grade=echo_grade, timeout=5)
    assert counts["graded"] == len(sources)
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == len(sources)
    assert len({p.name.casefold() for p in folders}) == len(sources)
    assert all(p.resolve().parent == out.resolve() for p in folders)
    assert set(tmp_path.iterdir()) == before | {out}  # "...zip" wrote nothing beside out/
    seen = set()
    for folder in folders:
        results = json.loads((folder / "results.json").read_text())
        assert (folder / "feedback.html").is_file()
        seen.add(results["output"].split("source=", 1)[1].split("\n\n")[0])
    assert seen == {str(s) for s in sources}  # no result overwrote another
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert len(rows) == len(sources) and len({r["submission"] for r in rows}) == len(sources)


@pytest.mark.parametrize("name, expected", [
    ("...", "submission"), ("..", "submission"), (".hidden", "hidden"), ("a/b", "a_b"),
    ("é" * 3, "___"), ("x" * 200, "x" * 80)])
def test_safe_names(name, expected):
    assert safe_name(name) == expected


def test_unique_jobs_avoid_reserved_and_earlier_names_ignoring_case(tmp_path):
    sources = _sources(tmp_path / "subs", ["grades.csv.zip", "A", "a/exercises", "a-2"])
    jobs = unique_jobs(sources, tmp_path, reserved=["grades.csv"])
    assert [j.name for j in jobs] == ["grades.csv-2", "A", "a-2", "a-2-2"]


def test_a_rerun_does_not_take_another_sources_result(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    first = _sources(subs, ["bob.zip"])
    grade_many(first, out, jobs=1, progress=False, grade=echo_grade, timeout=5)
    second = _sources(subs, ["bob"]) + first  # "bob" now sorts first and takes the name
    counts = grade_many(second, out, jobs=1, progress=False, grade=echo_grade, timeout=5)
    assert counts["skipped"] == 0 and counts["graded"] == 2
    outputs = {json.loads((out / n / "results.json").read_text())["output"]
               for n in ("bob", "bob-2")}
    assert outputs == {f"source={subs / 'bob'}", f"source={subs / 'bob.zip'}"}


@pytest.mark.slow
def test_ctrl_c_stops_promptly_and_keeps_what_finished(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    sources = _sources(subs, ["fast1", "fast2", "slow1", "slow2"])
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(TESTS)!r}, {str(Path(__file__).parent)!r}]
        from test_bulk import sleepy_grade
        from toyopt.grading.bulk import grade_many
        grade_many({[str(s) for s in sources]!r}, {str(out)!r}, jobs=2, progress=False,
                   grade=sleepy_grade, timeout=5)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not all(
            (out / n / "results.json").is_file() for n in ("fast1", "fast2")):
        time.sleep(0.2)
    time.sleep(1.0)  # the slow ones are in flight now
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    start = time.monotonic()
    proc.wait(timeout=30)
    assert time.monotonic() - start < 15
    assert proc.returncode != 0
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert sorted(r["submission"] for r in rows) == ["fast1", "fast2"]
    assert not (out / "slow1" / "results.json").exists()

    def survivors():
        found = subprocess.run(["pgrep", "-a", "-s", str(proc.pid)], capture_output=True,
                               text=True).stdout.strip()
        return found
    end = time.monotonic() + 10  # multiprocessing's resource tracker leaves on EOF
    while survivors() and time.monotonic() < end:
        time.sleep(0.2)
    assert survivors() == ""  # no pool process (nor sandbox) outlived the interrupt
