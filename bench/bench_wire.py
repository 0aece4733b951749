"""Peak memory of the grading process on the hostile wire and input corpus.

Each case is graded (spiral_2d's checks and its figure, the exercise the
attacks target) in a fresh Python process, which then reports its own peak
RSS (``getrusage(RUSAGE_SELF).ru_maxrss``: the grader, not the sandbox).

    python bench/bench_wire.py [CASE ...]        # ~15 s a case on an idle core

Cases: the reference; ``forged_reply.py`` of tests/hostile with each KIND (a
forged frame written on the reply pipe); a zip with odd members beside the
reference; a submission leaving a scratch tree 3,000 folders deep.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORGED = ("announce_huge", "value_flood", "deep", "lying_npy", "many_arrays", "big_points",
          "wrong_types", "surrogate")
CASES = ("reference", *FORGED, "odd_zip", "deep_scratch")

CHILD = r"""
import json, resource, sys, time
import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt_check.checks.core import all_checks
from toyopt.grading.report import grade_submission
start = time.perf_counter()
report = grade_submission(sys.argv[1], timeout=30, checks=all_checks(["spiral_2d"]))
print(json.dumps({"score": report.score, "max": report.max_score,
                  "seconds": round(time.perf_counter() - start, 1),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "message": next((r.message for r in report.results if not r.passed), "")[:90]}))
"""


def build(case: str, base: Path) -> Path:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the package, not tests/toyopt*/
    from grade_support import attack, reference_submission

    root = base / case
    if case == "reference":
        return reference_submission(root)
    if case in FORGED:
        return attack(reference_submission(root), "forged_reply", "data.py", KIND=case)
    if case == "deep_scratch":
        return attack(reference_submission(root), "deep_scratch", "data.py")
    if case == "odd_zip":
        ref = reference_submission(base / "odd_ref")
        path = base / "odd.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for file in sorted(ref.rglob("*.py")):
                zf.write(file, file.relative_to(ref).as_posix())
            zf.writestr(".", b"")
            zf.writestr("exercises/data.py/x.py", b"")
            zf.writestr("exercises/" + "n" * 300, b"")
            zf.writestr("exercises/" + "d/" * 60 + "f.py", b"")
        return path
    raise SystemExit(f"unknown case {case}")


def main(argv):
    cases = argv or CASES
    with tempfile.TemporaryDirectory() as tmp:
        print("| case | spiral_2d score | seconds | grader peak RSS (MB) | first message |")
        print("|---|---|---|---|---|")
        for case in cases:
            path = build(case, Path(tmp))
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                                 text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT),
                                                           "PATH": "/usr/bin:/bin"})
            if out.returncode:
                print(f"| {case} | grader failed: {out.stderr[-300:]!r} | | | |")
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {case} | {row['score']:g}/{row['max']:g} | {row['seconds']} | "
                  f"{row['peak_mb']} | {row['message']} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
