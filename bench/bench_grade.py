"""Benchmark of `toyopt grade` against the import floor, measured in one run.

    PYTHONPATH=. python bench/bench_grade.py [--count 50] [--jobs 2]

Rows (wall seconds, each in a fresh process like a user would run it):
  floor:       python -c "import torch, matplotlib.pyplot"
  one:         toyopt grade REF --results FILE        (the reference: full marks)
  bulk:        toyopt grade REF x COUNT --out-dir DIR --jobs JOBS
Prints a Markdown table with the ratios to the floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def timed(cmd) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50, help="submissions in the bulk run")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from grade_support import reference_submission

    work = Path(tempfile.mkdtemp(prefix="toyopt-bench-"))
    try:
        ref = reference_submission(work / "ref")
        subs = [shutil.copytree(ref, work / "subs" / f"s{i:03d}") for i in range(args.count)]
        floor = min(timed([sys.executable, "-c", "import torch, matplotlib.pyplot"])
                    for _ in range(2))
        one = timed([sys.executable, "-m", "toyopt", "grade", str(ref),
                     "--results", str(work / "one.json")])
        bulk = timed([sys.executable, "-m", "toyopt", "grade", *map(str, subs),
                      "--out-dir", str(work / "out"), "--jobs", str(args.jobs)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per = bulk / args.count
    print(f"| measurement ({os.cpu_count()} cores) | wall s | / floor |")
    print("|---|---:|---:|")
    print(f"| floor: `import torch, matplotlib.pyplot` | {floor:.1f} | 1.0 |")
    print(f"| grade one full correct submission | {one:.1f} | {one / floor:.1f} |")
    print(f"| grade {args.count} submissions, `--jobs {args.jobs}` | {bulk:.1f} | {bulk / floor:.1f} |")
    print(f"| ... per submission (throughput {args.count / bulk * 60:.1f}/min) | {per:.1f} "
          f"| {per / floor:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
