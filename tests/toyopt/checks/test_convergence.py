"""Convergence checks: the reference passes; an epoch_loop that forgets
zero_grad or never steps fails."""


import numpy as np
import torch

from toyopt_check.checks.core import all_checks, run_checks
from toyopt_check.checks.target import InProcessTarget

CONVERGENCE_IDS = ("epoch_loop.converges_linear", "epoch_loop.converges_circular",
                   "circular_mse.learns_angles", "spiral_2d.learnable")


def convergence_checks():
    checks = {c.id: c for c in all_checks()}
    return [checks[i] for i in CONVERGENCE_IDS]


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
