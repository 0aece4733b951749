"""``bench/gpu_check.py``: its CPU dry run passes every step here, and without a GPU
the real run refuses (it has not run on a GPU in CI: see the script's docstring)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from grade_support import ROOT

SCRIPT = ROOT / "bench" / "gpu_check.py"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


@pytest.mark.slow
def test_the_dry_run_passes_every_step_with_the_cuda_checks_skipped():
    done = subprocess.run([sys.executable, str(SCRIPT), "--dry-run"], capture_output=True, text=True,
                          timeout=600, env=ENV)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    passed = [line for line in lines if line.startswith("PASS")]
    assert len(passed) == 6 and not [line for line in lines if line.startswith("FAIL")], done.stdout
    assert sum("every CUDA check skipped (no GPU)" in line for line in passed) == 3
    assert any(re.match(r"PASS  toyopt grade reference: (\d+) / \1; CUDA checks skipped", line)
               for line in passed)  # full marks
    assert lines[-1].startswith("all steps passed (dry run, CPU;")


def test_without_a_gpu_the_real_run_refuses():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: run bench/gpu_check.py itself")
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120,
                          env=ENV)
    assert done.returncode == 2
    assert "no CUDA device here; run with --dry-run" in done.stderr
