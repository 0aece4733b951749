"""Unit tests of `toyopt.checks.spiral` and its probe: statistics, the ideal
curve, Hypothesis shrinking, stubs, tracing hygiene."""

import sys

import numpy as np
import pytest

from toyopt.checks import all_checks, run_checks
from toyopt.checks.spiral import (correlation_test, ideal_points, kolmogorov_sf, ks_uniform,
                                  layout_problem)
from toyopt.checks.target import InProcessTarget
from toyopt.probes.runtime import NamespaceContext
from toyopt.probes.spiral_2d import work_counts
from toyopt_ref.data import spiral_2d, spiral_2d_loop


def grade(func):
    return {r.id: r for r in run_checks(InProcessTarget.for_namespace({"spiral_2d": func}),
                                       all_checks(("spiral_2d",)), cuda_available=False)}


@pytest.mark.parametrize("x, p", [(1.3581, 0.05), (1.6276, 0.01), (1.9495, 0.001)])
def test_kolmogorov_sf_matches_tabulated_critical_values(x, p):
    assert kolmogorov_sf(x) == pytest.approx(p, rel=2e-3)


def test_kolmogorov_sf_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    for x in np.linspace(0.3, 4.0, 38):
        assert kolmogorov_sf(float(x)) == pytest.approx(stats.kstwobign.sf(x), rel=1e-9, abs=1e-300)


def test_ks_uniform_accepts_uniform_and_rejects_narrow_noise():
    rng = np.random.RandomState(0)
    _, p_good = ks_uniform(rng.uniform(-0.1, 0.1, 40000), -0.1, 0.1)
    d_bad, p_bad = ks_uniform(rng.uniform(-0.09, 0.09, 40000), -0.1, 0.1)
    assert p_good > 1e-3
    assert p_bad < 1e-12 and d_bad == pytest.approx(0.05, abs=0.01)


def test_ks_statistic_stays_in_unit_interval_for_values_outside_the_support():
    d, p = ks_uniform(np.full(100, 7.0), -0.1, 0.1)
    assert d == pytest.approx(1.0) and p < 1e-80


def test_correlation_test_detects_shared_noise_only():
    rng = np.random.RandomState(1)
    a, b = rng.uniform(size=(2, 20000))
    assert correlation_test(a, b)[1] > 1e-3
    assert correlation_test(a, a)[1] < 1e-12
    assert correlation_test(a, np.zeros_like(a))[1] == 0.0  # constant noise: rejected


@pytest.mark.parametrize("n", [2, 7, 100, 1001])
def test_reference_points_lie_in_the_noise_box_of_the_ideal_curve(n):
    np.random.seed(n)
    points, _ = spiral_2d(n)
    assert np.abs(points - ideal_points(n // 2)).max() <= 0.1


def test_layout_problem_names_the_input_and_both_shapes():
    np.random.seed(0)
    points, labels = spiral_2d_loop(6)
    out = {"length": 2, "points_is_ndarray": True, "points_dtype": "float64", "points_shape": [7, 2],
           "points": np.zeros((7, 2)), "labels_is_ndarray": True, "labels_dtype": "int64",
           "labels_shape": [6], "labels": labels}
    assert layout_problem(7, out) == \
        "spiral_2d(7): expected points of shape (6, 2) (2 * (7 // 2) points), got (7, 2)"


def test_hypothesis_reports_the_smallest_failing_size():
    def late_swap(num_points):  # right below 150 points, labels swapped from 150 on
        points, labels = spiral_2d(num_points)
        return (points, 1 - labels) if num_points >= 150 else (points, labels)

    result = grade(late_swap)["spiral_2d.layout"]
    assert result.status == "failed"
    assert result.message.startswith("spiral_2d(150): expected 75 labels 0 then 75 labels 1")


def test_stub_scores_zero_with_not_implemented_yet_on_every_check():
    def stub(num_points):
        raise NotImplementedError

    results = grade(stub).values()
    assert {r.status for r in results} == {"not_implemented"}
    assert all("not implemented yet" in r.message for r in results)


def test_a_loop_over_the_two_classes_counts_as_vectorised():
    def per_class(num_points):
        h = num_points // 2
        parts = []
        for c in (0, 1):
            i = np.arange(h) / max(h, 1)
            t = 3.5 * np.pi * i + c * np.pi
            parts.append(np.stack([5 * i * np.sin(t), 5 * i * np.cos(t)], 1) + np.random.uniform(-0.1, 0.1, (h, 2)))
        return np.concatenate(parts), np.repeat(np.array([0, 1]), h)

    assert grade(per_class)["spiral_2d.vectorised"].passed


def test_work_counts_restore_the_previous_tracer():
    def tracer(frame, event, arg):
        return None

    sys.settrace(tracer)
    try:
        work_counts(NamespaceContext({"spiral_2d": spiral_2d}), [10, 20], seed=0)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(None)


def test_vectorised_reference_runs_the_same_python_work_at_any_size():
    out = work_counts(NamespaceContext({"spiral_2d": spiral_2d}), [200, 20000], seed=0)
    assert out["calls"][0] == out["calls"][1] and out["lines"][0] == out["lines"][1]
