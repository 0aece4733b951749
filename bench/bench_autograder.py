"""Wall time of `pytest autograder`: untouched stubs and a full solution, side by side.

    python bench/bench_autograder.py [--repeats 3]

Targets (issue 9 item 9): the stubs within 1.5x the floor, a full solution
within 3x (and <= 60 s on 2 cores). Grades (1) the stubs (`exercises/` as
released), (2) the reference (`--target toyopt_ref`) and (3) a student folder
whose `exercises/` holds the full solution (a copy of toyopt_ref), each
`--repeats` times in a fresh process, against the floor `python -c "import
torch, matplotlib.pyplot"`; prints a Markdown table of medians. This runs the
repository's autograder (hidden checks included); the student kit's runs the
visible checks only.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return seconds, proc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        solution = Path(tmp) / "student"
        stubs = Path(tmp) / "stubs"
        sys.path.insert(0, str(ROOT))
        from toyopt.release import write_exercises

        write_exercises(stubs / "exercises")
        shutil.copytree(ROOT / "toyopt_ref", solution / "exercises",
                        ignore=shutil.ignore_patterns("__pycache__"))
        pytest = [sys.executable, "-m", "pytest", "autograder", "-q", "-p", "no:cacheprovider"]
        cases = {
            "floor: import torch, matplotlib.pyplot": [sys.executable, "-c", "import torch, matplotlib.pyplot"],
            "pytest autograder --submission (untouched stubs)": pytest + ["--submission", str(stubs)],
            "pytest autograder --target toyopt_ref": pytest + ["--target", "toyopt_ref"],
            "pytest autograder --submission (full solution)": pytest + ["--submission", str(solution)],
        }
        times = {name: [] for name in cases}
        for _ in range(args.repeats):
            for name, cmd in cases.items():
                seconds, proc = wall(cmd, ROOT)
                if proc.returncode != (1 if "stubs" in name else 0):
                    print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
                    raise SystemExit(f"{name} failed (exit {proc.returncode})")
                if "autograder" in name and "stubs" not in name and "total              100 / 100" not in proc.stdout:
                    raise SystemExit(f"{name}: the full solution did not get 100 / 100")
                times[name].append(seconds)

    floor = statistics.median(times["floor: import torch, matplotlib.pyplot"])
    print(f"### `pytest autograder` on a full solution (median of {args.repeats}, 2 cores)\n")
    print("| what | median wall (s) | runs (s) | x floor |")
    print("|---|---:|---:|---:|")
    for name, runs in times.items():
        med = statistics.median(runs)
        print(f"| {name} | {med:.1f} | {', '.join(f'{t:.1f}' for t in runs)} | {med / floor:.1f} |")
    worst = max(statistics.median(r) for n, r in times.items() if "autograder" in n)
    print(f"\ntarget <= 60 s: {'met' if worst <= 60 else 'MISSED'} ({worst:.1f} s)")
    return 0 if worst <= 60 else 1


if __name__ == "__main__":
    sys.exit(main())
