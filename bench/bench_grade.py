"""Benchmark of `toyopt grade` against the import floor and nbgrader, in one run.

    PYTHONPATH=. python bench/bench_grade.py [--count 50] [--jobs 2] [--repeats 3]

Rows (wall seconds, each command in a fresh process, as a user would run it):
  floor:     python -c "import torch, matplotlib.pyplot"                  (median of --repeats)
  one:       toyopt grade REF --results FILE      (full correct folder)    (median of --repeats)
  notebook:  toyopt grade SOURCE.ipynb --results FILE                       (median of --repeats)
  nbgrader:  nbgrader autograde of the same notebook, one student          (median of --repeats)
  bulk:      toyopt grade REF x COUNT --out-dir DIR --jobs JOBS            (once)
Prints a Markdown table with the ratios to the floor. Needs bubblewrap for the
sandboxed rows to mean what they say (the grader says which isolation it used).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def timed(cmd, cwd=None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=ENV, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def nbgrader_course(work: Path) -> Path:
    """A course with the source notebook released and submitted by one student."""
    from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT, NOTEBOOK_FILE, init_course

    course = init_course(work / "course").root
    subprocess.run(["nbgrader", "generate_assignment", DEFAULT_ASSIGNMENT, "--force"], cwd=course,
                   check=True, env=ENV, capture_output=True)
    target = course / "submitted" / "alice" / DEFAULT_ASSIGNMENT
    target.mkdir(parents=True)
    shutil.copy(course / "source" / DEFAULT_ASSIGNMENT / NOTEBOOK_FILE, target / NOTEBOOK_FILE)
    return course


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50, help="submissions in the bulk run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-nbgrader", action="store_true", help="skip the nbgrader rows")
    args = parser.parse_args(argv)
    from grade_support import reference_submission

    from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT

    work = Path(tempfile.mkdtemp(prefix="toyopt-bench-"))
    rows = {}
    try:
        ref = reference_submission(work / "ref")
        notebook = ROOT / "notebooks" / "optimisation_and_learning.ipynb"
        subs = [shutil.copytree(ref, work / "subs" / f"s{i:03d}") for i in range(args.count)]
        course = None if args.no_nbgrader else nbgrader_course(work)
        runs = {name: [] for name in ("floor", "one", "notebook", "nbgrader")}
        for _ in range(args.repeats):  # interleaved, so load changes hit every row alike
            runs["floor"].append(timed([sys.executable, "-c", "import torch, matplotlib.pyplot"]))
            runs["one"].append(timed([sys.executable, "-m", "toyopt", "grade", str(ref),
                                      "--results", str(work / "one.json")]))
            runs["notebook"].append(timed([sys.executable, "-m", "toyopt", "grade", str(notebook),
                                           "--results", str(work / "nb.json")]))
            if course is not None:
                runs["nbgrader"].append(timed(["nbgrader", "autograde", DEFAULT_ASSIGNMENT, "--force"],
                                              cwd=course))
        rows = {k: statistics.median(v) for k, v in runs.items() if v}
        rows["bulk"] = timed([sys.executable, "-m", "toyopt", "grade", *map(str, subs),
                              "--out-dir", str(work / "out"), "--jobs", str(args.jobs)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = rows["floor"]
    per = rows["bulk"] / args.count
    print(f"| measurement ({os.cpu_count()} cores; median of {args.repeats} unless said) | wall s | / floor |")
    print("|---|---:|---:|")
    print(f"| floor: `python -c \"import torch, matplotlib.pyplot\"` | {floor:.1f} | 1.0 |")
    print(f"| `toyopt grade` one full correct submission (folder) | {rows['one']:.1f} | {rows['one'] / floor:.1f} |")
    print(f"| `toyopt grade` the source notebook | {rows['notebook']:.1f} | {rows['notebook'] / floor:.1f} |")
    if "nbgrader" in rows:
        print(f"| `nbgrader autograde` of the same notebook (one student) | {rows['nbgrader']:.1f} "
              f"| {rows['nbgrader'] / floor:.1f} |")
    print(f"| `toyopt grade` {args.count} submissions, `--jobs {args.jobs}` (once) | {rows['bulk']:.1f} "
          f"| {rows['bulk'] / floor:.1f} |")
    print(f"| ... per submission (throughput {args.count / rows['bulk'] * 60:.1f}/min) | {per:.1f} "
          f"| {per / floor:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
