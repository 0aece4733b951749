"""The calibration tool: the thresholds it wrote agree with its report, the
report's bounds meet the target, and batching reproduces the one-by-one runs."""

import re
import sys

import numpy as np
import pytest
from grade_support import ROOT

from toyopt.checks.thresholds import CONVERGENCE

sys.path.insert(0, str(ROOT / "tools"))
import calibrate

DOC = ROOT / "docs" / "calibration.md"


def test_thresholds_agree_with_calibration_doc():
    text = DOC.read_text()
    documented = dict(re.findall(r"- `([\w.]+)`: threshold = ([0-9.e+-]+)", text))
    assert set(documented) == set(CONVERGENCE)
    for key, cfg in CONVERGENCE.items():
        assert float(documented[key]) == cfg["threshold"], key


def test_documented_false_fail_is_below_target():
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| `")]
    assert len(rows) == len(CONVERGENCE)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        n_fail, n = (int(x) for x in cells[7].split("/"))
        assert n >= 200
        assert float(cells[10]) < calibrate.TARGET_FALSE_FAIL


def test_documented_total_false_fail_is_below_target():
    match = re.search(r"union bound\): false-fail <= ([0-9.e+-]+)", DOC.read_text())
    assert match and float(match.group(1)) < calibrate.TARGET_FALSE_FAIL


def test_documented_batched_values_agree_with_one_by_one_runs():
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| `")]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        batched = [float(v) for v in cells[11].split(",")]
        sequential = [float(v) for v in cells[12].split(",")]
        # accuracies: float32 sums in another order may flip a test point or two
        # near the boundary (0.1 % each on 1000 points); RMSE: both tiny
        assert np.allclose(batched, sequential, rtol=0, atol=1.0 if "accuracy" in cells[2] else 1e-3), row


def test_batched_angle_training_matches_the_check_on_the_grading_seeds():
    from toyopt.checks.convergence import train_angles_reference
    from toyopt_ref.losses import circular_mse

    cfg = CONVERGENCE["circular_mse.angles"]
    batched = calibrate._angles(3, plain=False)
    one_by_one = [train_angles_reference(cfg, s, circular_mse) for s in range(3)]
    assert np.allclose(batched, one_by_one, rtol=1e-6, atol=1e-9)


def test_upper_bound_is_clopper_pearson():
    assert abs(calibrate.upper_bound(0, 200) - (1 - 0.05 ** (1 / 200))) < 1e-6
    assert calibrate.upper_bound(2, 200) > calibrate.upper_bound(1, 200) > calibrate.upper_bound(0, 200)




@pytest.mark.slow
def test_dry_run_prints_the_table_and_writes_nothing(capsys):
    before = {p: p.read_bytes() for p in (DOC, ROOT / "toyopt" / "checks" / "thresholds.py")}
    assert calibrate.main(["--seeds", "3", "--mutant-seeds", "1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "# Calibration of the convergence checks" in out
    assert "- `epoch_loop.linear`: threshold = " in out
    assert {p: p.read_bytes() for p in before} == before
