"""The circular_mse checks: trusted maths, reference full marks, failure messages, determinism."""

import math

import numpy as np
import pytest

from toyopt.checks import circular_mse as cm
from toyopt.checks.core import all_checks, run_checks
from toyopt.checks.target import InProcessTarget

CHECKS = all_checks(("circular_mse",))


def grade(func):
    return run_checks(InProcessTarget.for_namespace({"circular_mse": func}), CHECKS, cuda_available=False)


def test_wrap_lands_in_half_open_interval():
    d = np.array([-7.0, -math.pi, 0.0, math.pi, 3.0, 10.0])
    w = cm.wrap(d, 2 * math.pi)
    assert np.all(w >= -math.pi) and np.all(w < math.pi)
    assert np.allclose(np.cos(w), np.cos(d)) and np.allclose(np.sin(w), np.sin(d))


def test_expected_loss_is_small_across_the_wrap():
    assert cm.expected_loss(0.1, 2 * math.pi - 0.1) == pytest.approx(0.04, rel=1e-9)
    assert cm.expected_loss([359.0], [1.0], period=360.0) == pytest.approx(4.0)


def test_gradient_inputs_stay_away_from_the_fold():
    for c in cm.gradient_cases():
        w = cm.wrap(c["prediction"] - c["target"], c["period"])
        assert np.all(np.abs(w) <= 0.4 * c["period"] + 1e-9)


def test_reference_passes_every_check():
    results = run_checks(InProcessTarget.reference(), CHECKS, cuda_available=False)
    assert [r.id for r in results if not r.passed] == []


def test_stub_scores_zero_with_not_implemented_message():
    def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
        raise NotImplementedError("circular_mse")

    results = grade(circular_mse)
    assert sum(r.score for r in results) == 0
    assert all(r.status == "not_implemented" and "not implemented yet" in r.message for r in results)


def test_no_wrap_message_names_input_expected_and_actual():
    def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
        if prediction.shape != target.shape:
            raise ValueError("shape")
        return ((prediction - target) ** 2).mean()

    results = {r.id: r for r in grade(circular_mse)}
    message = results["circular_mse.wrap_around"].message
    assert message.startswith("circular_mse(") and "expected" in message and "got" in message


def test_grading_is_deterministic():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent / "corpus" / "circular_mse" / "mutant_negative.py"
    spec = importlib.util.spec_from_file_location("mutant_negative_det", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = [(r.id, r.score, r.message) for r in grade(module.circular_mse)]
    second = [(r.id, r.score, r.message) for r in grade(module.circular_mse)]
    assert first == second
