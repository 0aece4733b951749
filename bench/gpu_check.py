"""The GPU machine check (issue 17.7): CUDA through the sandbox, in under 5 minutes.

    PYTHONPATH=. python bench/gpu_check.py             # on a machine with an NVIDIA GPU
    PYTHONPATH=. python bench/gpu_check.py --dry-run   # the same steps on the CPU

Steps (one line each, PASS or FAIL; exit status 1 if any failed, 2 if there is
no GPU and no --dry-run):

1. the machine: torch, CUDA as the grader sees it, the /dev/nvidia* nodes, bubblewrap;
2. the CUDA checks (``device="cuda"``), graded in the sandbox, on the reference and
   on two CUDA-only mutants of ``tests/corpus``: ``circular_mse/mutant_cpu_result``
   (a tensor created on the CPU) and ``epoch_loop/mutant_ignores_device_arg``
   (data never moved to the device). The reference passes every CUDA check and
   each mutant fails its own. Dry run: every CUDA check is skipped (no GPU);
3. ``toyopt grade`` of the reference in the sandbox (a subprocess, as an
   instructor runs it): full marks, and its CUDA checks passed (dry run: skipped);
4. ``toyopt sweep --device cuda`` on a small grid (dry run: ``--device cpu``):
   every run is in ``runs.csv``.

Whether the CUDA checks run is what the worker inside the sandbox sees
(``torch.cuda.is_available()`` in its canary), so step 2 failing with
"skipped" on a GPU machine means the sandbox hides the GPU.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
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

CORPUS = ROOT / "tests" / "corpus"
#: (exercise, corpus file, the CUDA check it must fail)
MUTANTS = (("circular_mse", "mutant_cpu_result", "circular_mse.dtype_device[cuda]"),
           ("epoch_loop", "mutant_ignores_device_arg", "epoch_loop.train_step[cuda]"))
SWEEP = ["--datasets", "circular_data,linear_data", "--losses", "MSE,BCEWithLogits",
         "--inits", "uniform", "--lrs", "0.1", "--epochs", "100,300", "--seeds", "16"]
SWEEP_ROWS = 2 * 2 * 1 * 1 * 2 * 16


class Steps:
    """Prints each outcome as it comes; remembers whether any failed."""

    def __init__(self):
        self.failed = []

    def report(self, name: str, ok: bool, detail: str) -> None:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
        if not ok:
            self.failed.append(name)


def mutant_submission(folder: Path, exercise: str, stem: str) -> Path:
    """The reference with `exercise` replaced by the corpus file `stem` (appended to
    its module: the later definition wins)."""
    from grade_support import append, reference_submission

    from toyopt_check.inside.runtime import EXERCISE_MODULES

    root = reference_submission(folder)
    return append(root, f"{EXERCISE_MODULES[exercise]}.py", (CORPUS / exercise / f"{stem}.py").read_text())


def machine(steps: Steps, gpu: bool) -> None:
    import torch

    from toyopt.sandbox import bwrap_works

    nodes = sorted(glob.glob("/dev/nvidia*"))
    host = torch.cuda.is_available()
    name = torch.cuda.get_device_name(0) if host else "none"
    detail = (f"torch {torch.__version__}, CUDA on the host {host} ({name}), "
              f"{len(nodes)} /dev/nvidia* nodes, bubblewrap {bwrap_works()}")
    steps.report("machine", host == gpu and (bool(nodes) or not gpu), detail)


def cuda_checks(steps: Steps, work: Path, gpu: bool) -> None:
    from grade_support import reference_submission

    from toyopt.grading.report import grade_submission
    from toyopt_check.checks.core import all_checks

    checks = [c for c in all_checks() if c.device == "cuda"]
    cases = [("reference", reference_submission(work / "reference"), None)]
    cases += [(stem, mutant_submission(work / stem, exercise, stem), failing)
              for exercise, stem, failing in MUTANTS]
    for name, path, failing in cases:
        start = time.perf_counter()
        report = grade_submission(path, checks=checks, figures=False, timeout=120)
        status = {r.id: r.status for r in report.results}
        if not gpu:
            ok = set(status.values()) == {"skipped"}
            want = "every CUDA check skipped (no GPU)"
        elif failing is None:
            ok = set(status.values()) == {"passed"}
            want = "every CUDA check passed"
        else:
            ok = status.get(failing) in ("failed", "error") and all(
                s == "passed" for i, s in status.items() if i != failing)
            want = f"{failing} fails, the others pass"
        messages = "; ".join(f"{r.id} {r.status}" + (f" ({r.message[:160]})" if r.message else "")
                             for r in report.results)
        steps.report(f"CUDA checks on {name}", ok and not report.error,
                     f"{want}: {messages or report.error} [{report.isolation_line}; "
                     f"{time.perf_counter() - start:.0f} s]")


def grade_reference(steps: Steps, work: Path, gpu: bool) -> None:
    from grade_support import reference_submission

    path = reference_submission(work / "graded-reference")
    results = work / "results.json"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "toyopt", "grade", str(path), "--results", str(results)],
                          capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})
    if done.returncode != 0 or not results.is_file():
        steps.report("toyopt grade reference", False, f"exit {done.returncode}: {done.stderr[-800:]}")
        return
    data = json.loads(results.read_text())
    cuda = {t["name"].split(":")[0]: t.get("output", "") for t in data["tests"] if "[cuda]" in t["name"]}
    skipped = [n for n, out in cuda.items() if out.startswith("skipped")]
    ok = data["score"] == data.get("max_score") and cuda and (skipped == list(cuda) if not gpu else not skipped)
    isolation = data["output"].strip().splitlines()[-1]
    steps.report("toyopt grade reference", bool(ok),
                 f"{data['score']:g} / {data.get('max_score'):g}; CUDA checks "
                 f"{'skipped' if skipped else 'run'}: {', '.join(cuda)}; {isolation} "
                 f"[{time.perf_counter() - start:.0f} s]")


def sweep(steps: Steps, work: Path, gpu: bool) -> None:
    out = work / "sweep"
    device = "cuda" if gpu else "cpu"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "toyopt", "sweep", *SWEEP, "--device", device,
                           "--out", str(out), "--no-progress"], capture_output=True, text=True,
                          timeout=240, env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})
    rows = list(csv.DictReader((out / "runs.csv").open())) if (out / "runs.csv").is_file() else []
    ok = done.returncode == 0 and len(rows) == SWEEP_ROWS
    first = done.stdout.strip().splitlines()[:1]
    steps.report(f"toyopt sweep --device {device}", ok,
                 f"{len(rows)} of {SWEEP_ROWS} rows; {first[0] if first else done.stderr[-400:]} "
                 f"[{time.perf_counter() - start:.0f} s]")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true",
                        help="run the same steps on the CPU (the CUDA checks are skipped: no GPU)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    import torch

    gpu = not args.dry_run
    if gpu and not torch.cuda.is_available():
        print("gpu_check: no CUDA device here; run with --dry-run for the CPU steps", file=sys.stderr)
        return 2
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gpu-check-"))
    work.mkdir(parents=True, exist_ok=True)
    steps, start = Steps(), time.perf_counter()
    try:
        machine(steps, gpu)
        cuda_checks(steps, work, gpu)
        grade_reference(steps, work, gpu)
        sweep(steps, work, gpu)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{'all steps passed' if not steps.failed else 'FAILED: ' + ', '.join(steps.failed)} "
          f"({'dry run, CPU' if args.dry_run else 'GPU'}; {time.perf_counter() - start:.0f} s)")
    return 1 if steps.failed else 0


if __name__ == "__main__":
    sys.exit(main())
