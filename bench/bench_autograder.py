"""Wall time of the student's `pytest autograder`: untouched stubs and a full solution, side by side.

    python bench/bench_autograder.py [--repeats 3] [--venv DIR]

Targets (issue 9 item 9): on the untouched stubs within 1.5x the floor, on a
full solution within 3x (and <= 60 s on 2 cores). The floor is
``python -c "import torch, matplotlib.pyplot"`` in the same environment.

What is timed is what a student runs: the kit that ``toyopt release`` writes,
installed as its README says (``pip install -r requirements.txt`` into a fresh
virtualenv, made once in `--venv`, default ``$TMPDIR/toyopt-bench-kit-venv``;
the wheel is reinstalled on every run so it is this checkout's), then
``pytest autograder`` in the kit folder: (1) as released, (2) with
``exercises/`` replaced by the reference (a full solution). Each case runs once
untimed first, then `--repeats` times, interleaved, each in a fresh process.
Python writes bytecode as it does by default (``PYTHONDONTWRITEBYTECODE`` is
removed from the children's environment): a student's second run reads the
cached modules, and pytest's rewritten copies of the plugins' modules, as
every later one does. Prints a Markdown table of medians; exits 1 when a
target is missed.
"""

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
TORCH = "torch==2.13.0"
TARGETS = {"stubs": 1.5, "full": 3.0}


def wall(cmd, cwd, env):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - start, proc


def make_venv(path: Path, kit: Path, env) -> Path:
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", TORCH, "-r", "requirements.txt"],
                       cwd=kit, env=env, check=True, timeout=1800)
    wheel = next((kit / "wheels").glob("*.whl"))
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   env=env, check=True, timeout=600)
    return python


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "toyopt-bench-kit-venv",
                        help="the kit's virtualenv (made when missing, kept for the next run)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    with tempfile.TemporaryDirectory() as tmp:
        kit = Path(tmp) / "kit"
        subprocess.run([sys.executable, "-m", "toyopt", "release", str(kit)], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        full = Path(tmp) / "full"
        shutil.copytree(kit, full)
        shutil.rmtree(full / "exercises")
        shutil.copytree(ROOT / "toyopt_ref", full / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
        python = str(make_venv(args.venv, kit, env))
        pytest = [python, "-m", "pytest", "autograder", "-q"]
        cases = {
            "floor: import torch, matplotlib.pyplot": ([python, "-c", "import torch, matplotlib.pyplot"], kit),
            "pytest autograder, untouched stubs": (pytest, kit),
            "pytest autograder, full solution": (pytest, full),
        }
        times = {name: [] for name in cases}
        for repeat in range(args.repeats + 1):
            for name, (cmd, cwd) in cases.items():
                seconds, proc = wall(cmd, cwd, env)
                expected = 1 if "stubs" in name else 0
                if proc.returncode != expected:
                    print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
                    raise SystemExit(f"{name}: exit {proc.returncode}, expected {expected}")
                last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
                if "full" in name and ("passed" not in last or "failed" in last):
                    raise SystemExit(f"{name}: not every visible check passed:\n{proc.stdout[-2000:]}")
                if repeat:  # the first round warms the caches, as a student's first run does
                    times[name].append(seconds)

    floor = statistics.median(times["floor: import torch, matplotlib.pyplot"])
    print(f"### The student kit's `pytest autograder` (median of {args.repeats}, 2 cores)\n")
    print("| what | median wall (s) | runs (s) | x floor | target |")
    print("|---|---:|---:|---:|---:|")
    missed = []
    for name, runs in times.items():
        med = statistics.median(runs)
        key = "stubs" if "stubs" in name else "full" if "full" in name else None
        target = f"<= {TARGETS[key]}x" if key else ""
        if key and med / floor > TARGETS[key]:
            missed.append(name)
        print(f"| {name} | {med:.1f} | {', '.join(f'{t:.1f}' for t in runs)} | {med / floor:.2f} | {target} |")
    print(f"\ntargets: {'met' if not missed else 'MISSED: ' + '; '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
