"""The vectorisation timing of `spiral_2d` under load: verdicts and ratios.

    PYTHONPATH=. python bench/bench_timing.py [--hogs 4] [--runs 10] [--route bwrap] [--no-cgroup]

Grades the hidden tutorial loop (``tests/hostile/hidden_loop_spiral.py``, the loop
behind ``globals()``) and the reference (vectorised), and with `--cheap-loops` two
corpus mutants hidden the same way (a list comprehension, ``np.vectorize``), `--runs` times each with
`--hogs` CPU-bound processes running beside, on one route (``bwrap``, ``subprocess``:
the fallback, or ``in-process``: the kit's self-check; `--no-cgroup`: a worker without
a cgroup, as on Gradescope). A run is one `timing_problem` (the
verdict) and then `--rounds` more timed rounds, whose minima give the ratios to the
yardstick on each clock. Prints a Markdown table; figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def hidden(folder: Path, mutant: str) -> Path:
    """The reference with corpus mutant `mutant`'s spiral_2d appended, reached through ``globals()``."""
    from grade_support import append

    code = (ROOT / "tests" / "corpus" / "spiral_2d" / f"{mutant}.py").read_text()
    return append(folder, "data.py", code.replace("def spiral_2d(", "def _hidden(") +
                  "\n\ndef spiral_2d(num_points):\n    return globals()['_hid' + 'den'](num_points)\n")


def ratios(target, rounds: int) -> dict:
    """Per-point cost of the student's call over the yardstick's, minima of `rounds`, per clock."""
    from toyopt_check.checks import spiral_2d as checks

    plan = checks.timing_plan(target)
    sizes = (plan.small, plan.large)
    student = {n: [] for n in sizes}
    yard = {n: [] for n in sizes}
    for k in range(rounds):
        for n in sizes:
            student[n].append(checks._student_cost(target, n, plan.seeds[k % len(plan.seeds)])[0])
            yard[n].append(checks._yardstick_cost(n, plan.seeds[k % len(plan.seeds)]))

    def per_point(times, clock):
        return (min(t[clock] for t in times[sizes[1]]) - min(t[clock] for t in times[sizes[0]])) / (
            sizes[1] - sizes[0])

    return {clock: per_point(student, clock) / per_point(yard, clock) for clock in ("cpu", "wall")}


def verdict(target) -> str:
    from toyopt_check.checks.spiral_2d import TimingUndecided, timing_problem

    try:
        return "fail" if timing_problem(target) else "pass"
    except TimingUndecided:
        return "undecided"


def run_one(folder: Path, route: str, rounds: int) -> tuple[str, dict]:
    from toyopt.grading.target import SandboxSession
    from toyopt_check.checks.target import InProcessTarget

    if route == "in-process":
        target = InProcessTarget.for_package(folder)
        return verdict(target), ratios(target, rounds)
    with SandboxSession(folder, budget=600, isolation=route) as session:
        session.run(())
        return verdict(session.target), ratios(session.target, rounds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hogs", type=int, default=4, help="CPU-bound processes beside the grading")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds for the ratios")
    parser.add_argument("--route", default="bwrap",
                        choices=("bwrap", "subprocess", "in-process"))
    parser.add_argument("--cheap-loops", action="store_true", help="also grade two cheaper hidden loops")
    parser.add_argument("--no-cgroup", action="store_true", help="start the workers without a cgroup")
    args = parser.parse_args(argv)
    from grade_support import attack, reference_submission

    if args.no_cgroup:
        from toyopt.sandbox import cgroups

        cgroups.create = lambda *a, **k: (None, "bench: no cgroup")
    work = Path(tempfile.mkdtemp(prefix="bench-timing-"))
    secret = work / "grading-secret"
    secret.write_text("ab" * 32 + "\n")
    os.environ["TOYOPT_GRADING_SECRET"] = str(secret)
    subjects = {"hidden loop": attack(reference_submission(work / "loop"), "hidden_loop_spiral", "data.py",
                                      TIMED=None),
                "vectorised": reference_submission(work / "reference")}
    if args.cheap_loops:
        for mutant in ("mutant_comprehension", "mutant_np_vectorize"):
            subjects[f"hidden {mutant[7:]}"] = hidden(reference_submission(work / mutant), mutant)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.hogs)]
    route = args.route + (" (no cgroup)" if args.no_cgroup else "")
    print(f"| route | hogs | subject | run | load | verdict | cpu ratio | wall ratio |\n|{' --- |' * 8}")
    try:
        for name, folder in subjects.items():
            for run in range(args.runs):
                start = time.perf_counter()
                result, measured = run_one(folder, args.route, args.rounds)
                print(f"| {route} | {args.hogs} | {name} | {run + 1} ({time.perf_counter() - start:.0f} s) | "
                      f"{os.getloadavg()[0]:.1f} | {result} | {measured['cpu']:.2f} | {measured['wall']:.2f} |",
                      flush=True)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
