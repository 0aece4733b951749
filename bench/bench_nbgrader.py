"""`nbgrader autograde` of one notebook: toyopt's sandboxed execute step vs stock nbgrader.

    PYTHONPATH=. python bench/bench_nbgrader.py [--repeats 3] [--notebook source|release]

Two course folders are written by `toyopt nbgrader init` (the same source
notebook); one keeps the default chain (`SandboxedExecute`: the notebook's
code in bubblewrap, test cells graded by the checks outside), the other is
reset to nbgrader's stock chain (`Execute`: everything in the student's
kernel). The same submission is autograded in both, alternately, each run a
fresh ``nbgrader autograde --force`` process; the table gives the median of
`--repeats` wall seconds and the score each route gave (they must agree).
Target: the sandboxed step is no slower than stock.
"""

from __future__ import annotations

import argparse
import csv
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

ASSIGNMENT = "optimisation_and_learning"
NOTEBOOK = "optimisation_and_learning.ipynb"
STOCK_CHAIN = """
# bench: nbgrader's stock autograde chain (the student's kernel runs the tests)
from nbgrader.preprocessors import Execute
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
"""


def nbgrader(args, cwd, env):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return seconds


def make_course(base: Path, name: str, stock: bool, which: str, env) -> Path:
    from toyopt.nbgrader.course import init_course

    course = init_course(base / name)
    if stock:
        with open(course.config, "a", encoding="utf-8") as f:
            f.write(STOCK_CHAIN)
    nbgrader(["generate_assignment", ASSIGNMENT], course.root, env)
    folder = course.root / "submitted" / "student" / ASSIGNMENT
    folder.mkdir(parents=True)
    src = course.root / ("source" if which == "source" else "release") / ASSIGNMENT / NOTEBOOK
    shutil.copyfile(src, folder / NOTEBOOK)
    return course.root


def score(root: Path, env) -> str:
    nbgrader(["export", "--to", str(root / "grades.csv")], root, env)
    with open(root / "grades.csv", newline="") as f:
        row = next(csv.DictReader(f))
    return f"{float(row['score']):g} / {float(row['max_score']):g}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--notebook", choices=("source", "release"), default="source",
                        help="submit the solved source notebook (default) or the release")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="toyopt-bench-nbgrader-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLCONFIGDIR": str(base / ".mpl")}
    env.pop("MPLBACKEND", None)
    try:
        courses = {"sandboxed (SandboxedExecute)": make_course(base, "sandboxed", False, args.notebook, env),
                   "stock nbgrader (Execute)": make_course(base, "stock", True, args.notebook, env)}
        times = {name: [] for name in courses}
        for _ in range(args.repeats):
            for name, root in courses.items():
                times[name].append(nbgrader(["autograde", ASSIGNMENT, "--force"], root, env))
        print(f"nbgrader autograde of one notebook ({args.notebook}), median of {args.repeats} "
              f"(wall s, fresh process each)\n")
        print("| route | median s | runs | score |\n|---|---|---|---|")
        for name, root in courses.items():
            runs = ", ".join(f"{t:.1f}" for t in times[name])
            print(f"| {name} | {statistics.median(times[name]):.1f} | {runs} | {score(root, env)} |")
        sandboxed, stock = (statistics.median(t) for t in times.values())
        print(f"\nratio sandboxed / stock: {sandboxed / stock:.2f} (target <= 1.00)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
