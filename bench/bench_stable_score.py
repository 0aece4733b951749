"""Issue 12 item 7: re-grading one submission on a busy machine gives one score.

    python bench/bench_stable_score.py [--runs 20] [--jobs 2] [--hogs N] [SUBMISSION]

Grades SUBMISSION (default: the reference solution) `--runs` times, `--jobs`
at a time, each in its own process through `grade_submission` (sandbox,
default time budget), while `--hogs` processes spin on the CPU (default: one
per core).  Prints every run's per-exercise scores and the distinct totals;
exits 1 if the runs disagree.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _hog() -> None:
    while True:
        pass


def _grade(path: str):
    import torch

    torch.set_num_threads(1)
    from toyopt.grading.report import grade_submission

    start = time.perf_counter()
    report = grade_submission(path, figures=False)
    per = {ex: t["score"] for ex, t in report.totals.items()}
    return report.score, per, time.perf_counter() - start, report.error


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submission", nargs="?")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.submission
        if path is None:
            sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the package, not tests/toyopt*/
            from grade_support import reference_submission

            path = str(reference_submission(Path(tmp) / "reference"))
        context = multiprocessing.get_context("spawn")
        hogs = [context.Process(target=_hog, daemon=True) for _ in range(args.hogs)]
        for hog in hogs:
            hog.start()
        start = time.perf_counter()
        try:
            with ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
                runs = list(pool.map(_grade, [path] * args.runs))
        finally:
            for hog in hogs:
                hog.kill()
        wall = time.perf_counter() - start
    for i, (score, per, seconds, error) in enumerate(runs, 1):
        print(f"run {i:2d}: total {score:g} {per} in {seconds:.1f} s {error}")
    totals = sorted({score for score, *_ in runs})
    per_exercise = {tuple(sorted(per.items())) for _, per, _, _ in runs}
    print(f"{args.runs} runs, {args.jobs} at a time, {args.hogs} CPU hogs on "
          f"{os.cpu_count()} cores: {wall:.0f} s; distinct totals {totals}; "
          f"distinct per-exercise scores {len(per_exercise)}")
    return 0 if len(per_exercise) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
