"""Convergence checks: calibrated thresholds agree with the docs; the reference
passes; an epoch_loop that forgets zero_grad or never steps fails."""

import re

import numpy as np
import torch
from grade_support import ROOT

from toyopt.calibrate import TARGET_FALSE_FAIL, upper_bound
from toyopt.checks.thresholds import CONVERGENCE
from toyopt_check.checks.core import all_checks, run_checks
from toyopt_check.checks.target import InProcessTarget

DOC = ROOT / "docs" / "calibration.md"
CONVERGENCE_IDS = ("epoch_loop.converges_linear", "epoch_loop.converges_circular",
                   "circular_mse.learns_angles", "spiral_2d.learnable")


def convergence_checks():
    checks = {c.id: c for c in all_checks()}
    return [checks[i] for i in CONVERGENCE_IDS]


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
        assert float(cells[10]) < TARGET_FALSE_FAIL


def test_documented_total_false_fail_is_below_target():
    match = re.search(r"union bound\): false-fail <= ([0-9.e+-]+)", DOC.read_text())
    assert match and float(match.group(1)) < TARGET_FALSE_FAIL


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
    from toyopt import calibrate
    from toyopt.checks.convergence import train_angles_reference
    from toyopt_ref.losses import circular_mse

    cfg = CONVERGENCE["circular_mse.angles"]
    batched = calibrate._angles(3, plain=False)
    one_by_one = [train_angles_reference(cfg, s, circular_mse) for s in range(3)]
    assert np.allclose(batched, one_by_one, rtol=1e-6, atol=1e-9)


def test_upper_bound_is_clopper_pearson():
    assert abs(upper_bound(0, 200) - (1 - 0.05 ** (1 / 200))) < 1e-6
    assert upper_bound(2, 200) > upper_bound(1, 200) > upper_bound(0, 200)


def test_reference_passes_convergence_checks():
    results = run_checks(InProcessTarget.reference(), convergence_checks(), cuda_available=False)
    assert [(r.id, r.message) for r in results if not r.passed] == []


def _mutant(zero_grad=True, step=True):
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        train = optimiser is not None
        model.train(train)
        with torch.set_grad_enabled(train):
            x = torch.as_tensor(db[0], dtype=torch.float32)
            y = torch.as_tensor(db[1], dtype=torch.float32)
            prediction = model(x).reshape(-1)
            loss = criterion(prediction, y)
            labels = prediction >= 0.5
            if train:
                if zero_grad:
                    optimiser.zero_grad()
                loss.backward()
                if step:
                    optimiser.step()
        acc = float((labels == (y >= 0.5)).float().mean() * 100)
        return acc, loss.item(), labels.numpy()
    return epoch_loop


def _grade(func, ids):
    checks = [c for c in convergence_checks() if c.id in ids]
    return run_checks(InProcessTarget.for_namespace({"epoch_loop": func}), checks, cuda_available=False)


def test_missing_zero_grad_fails_convergence_checks():
    results = _grade(_mutant(zero_grad=False), CONVERGENCE_IDS[:2])
    assert [r.status for r in results] == ["failed", "failed"]


def test_never_stepping_fails_convergence_checks():
    results = _grade(_mutant(step=False), CONVERGENCE_IDS[:2])
    assert [r.status for r in results] == ["failed", "failed"]
    assert "best test accuracy" in results[0].message or "SGD step" in results[0].message


def test_plain_mse_fails_the_angle_check():
    def circular_mse(prediction, target, period=2 * np.pi, reduction="mean"):
        return ((prediction - target) ** 2).mean()

    checks = [c for c in convergence_checks() if c.id == "circular_mse.learns_angles"]
    results = run_checks(InProcessTarget.for_namespace({"circular_mse": circular_mse}), checks,
                         cuda_available=False)
    assert results[0].status == "failed" and "circular RMSE" in results[0].message


def test_mislabelled_spiral_is_not_learnable():
    from toyopt_ref.data import spiral_2d

    def shuffled(num_points):
        points, labels = spiral_2d(num_points)
        return points, np.random.permutation(labels)

    checks = [c for c in convergence_checks() if c.id == "spiral_2d.learnable"]
    results = run_checks(InProcessTarget.for_namespace({"spiral_2d": shuffled}), checks, cuda_available=False)
    assert results[0].status == "failed"
