"""The circular_mse checks: expected values are data, float32 and reordered
re-implementations pass, doing nothing scores nothing, messages name the input."""

import math
import sys
from pathlib import Path

import numpy as np
import torch

from toyopt_check.checks import circular_mse as cm
from toyopt_check.checks import expect
from toyopt_check.checks.core import all_checks, run_checks
from toyopt_check.checks.target import InProcessTarget

CHECKS = all_checks(("circular_mse",))
VISIBLE = [c for c in CHECKS if c.visibility == "visible" and c.device == "cpu"]


def grade(func, checks=CHECKS):
    return run_checks(InProcessTarget.for_namespace({"circular_mse": func}), checks, cuda_available=False)


def _validated(func):
    def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
        if prediction.shape != target.shape:
            raise ValueError("shapes differ")
        if isinstance(period, bool) or not isinstance(period, (int, float)) or not math.isfinite(period) \
                or period <= 0:
            raise ValueError("bad period")
        if reduction not in ("mean", "sum", "none"):
            raise ValueError("bad reduction")
        loss = func(prediction, target.to(prediction.dtype), period)
        return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()
    return circular_mse


def _float32_inside(p, t, period):
    """Computes in float32 whatever the inputs, then casts back."""
    d = p.float() - t.float()
    w = d - period * torch.round(d / period)
    return (w * w).to(p.dtype)


def _reordered(p, t, period):
    """t - p (the other sign), a two-sided torch.where fold, sum of squares by hand."""
    d = torch.remainder(t - p, period)
    w = torch.where(d >= period / 2, d - period, d)
    return w * w


def test_reference_passes_every_check():
    results = run_checks(InProcessTarget.reference(), CHECKS, cuda_available=False)
    assert [r.id for r in results if r.status not in ("passed", "skipped")] == []
    assert sum(r.score for r in results) == 25


def test_float32_computation_passes_every_check():
    results = grade(_validated(_float32_inside))
    assert [(r.id, r.message) for r in results if r.status not in ("passed", "skipped")] == []


def test_reordered_computation_passes_every_check():
    results = grade(_validated(_reordered), VISIBLE)
    assert [(r.id, r.message) for r in results if r.status not in ("passed", "skipped")] == []


def test_result_dtype_follows_the_prediction_in_both_dtype_orders():
    orders = {(c["dtype"], c.get("target_dtype")) for c in expect.expected("circular_mse")["dtype"]}
    assert {("float32", "float64"), ("float64", "float32")} <= orders

    def promoted(p, t, period):
        d = p - t  # no cast: float32 - float64 is float64
        return (d - period * torch.round(d / period)) ** 2

    def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
        if prediction.shape != target.shape:
            raise ValueError("shapes differ")
        if not isinstance(period, (int, float)) or not math.isfinite(period) or period <= 0:
            raise ValueError("bad period")
        if reduction not in ("mean", "sum", "none"):
            raise ValueError("bad reduction")
        loss = promoted(prediction, target, period)
        return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()

    results = {r.id: r for r in grade(circular_mse, VISIBLE)}
    assert results["circular_mse.dtype_device"].status == "failed"
    assert "float64 target" in results["circular_mse.dtype_device"].message
    assert sum(r.status not in ("passed", "skipped") for r in results.values()) == 1


def test_constant_zero_scores_nothing():
    def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
        if prediction.shape != target.shape:
            raise ValueError("shapes differ")
        if not isinstance(period, (int, float)) or not math.isfinite(period) or period <= 0:
            raise ValueError("bad period")
        if reduction not in ("mean", "sum", "none"):
            raise ValueError("bad reduction")
        zero = (prediction * 0).requires_grad_(prediction.requires_grad)
        return zero if reduction == "none" else zero.sum()

    assert sum(r.score for r in grade(circular_mse)) == 0


def test_secondary_checks_require_the_values():
    by_name = {c.id.split(".", 1)[1]: c for c in CHECKS if c.device == "cpu"}
    primaries = {"values", "reductions", "period", "wrap_around"}
    for name, chk in by_name.items():
        assert chk.clause, name
        if name not in primaries:
            assert chk.requires == ("circular_mse.values",), name


def test_every_clause_is_words_of_the_reference_docstring():
    from toyopt_ref.losses import circular_mse

    doc = " ".join(circular_mse.__doc__.split())
    for chk in CHECKS:
        assert " ".join(chk.clause.split()) in doc, chk.id


def test_visible_checks_hold_no_oracle_and_do_not_import_the_reference():
    import ast

    tree = ast.parse(Path(cm.__file__).read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m.startswith(("toyopt_ref", "toyopt.oracles")) for m in imported), imported
    called = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    # the ways to wrap an angle: none is used on the checking side
    assert not called & {"remainder", "floor", "fmod", "round", "atan2", "mod"}, called


def test_visible_checks_grade_from_a_data_file_without_the_reference(tmp_path, monkeypatch):
    data = tmp_path / "expectations.json"
    data.write_text(__import__("json").dumps(expect.build(["circular_mse"])))
    expect.use_file(data)
    try:
        monkeypatch.setitem(sys.modules, "toyopt_ref", None)  # any import of it now fails
        monkeypatch.setitem(sys.modules, "toyopt_ref.losses", None)
        results = grade(_validated(_reordered), VISIBLE)
    finally:
        expect.use_file(None)
    assert [(r.id, r.message) for r in results if not r.passed] == []


def test_gradient_inputs_stay_away_from_the_fold():
    for c in expect.expected("circular_mse")["gradients"]:
        p, t, period = np.asarray(c["prediction"]), np.asarray(c["target"]), c["period"]
        d = p - t
        w = d - period * np.floor(d / period + 0.5)
        assert np.all(np.abs(w) <= 0.4 * period + 1e-9)
        assert np.all(np.abs(np.asarray(c["direction"])) * c["h"] <= 0.02 * period + 1e-12)


def test_stub_scores_zero_with_not_implemented_message():
    def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
        raise NotImplementedError("circular_mse")

    results = grade(circular_mse)
    assert sum(r.score for r in results) == 0
    assert all(r.status == "not_implemented" and "not implemented yet" in r.message
               for r in results if r.status != "skipped")


def test_no_wrap_message_names_input_expected_and_actual():
    results = {r.id: r for r in grade(_validated(lambda p, t, period: (p - t) ** 2), VISIBLE)}
    message = results["circular_mse.wrap_around"].message
    assert message.startswith("circular_mse(") and "expected" in message and "got" in message


def test_upper_case_reduction_is_an_error():
    def lenient(prediction, target, period=2 * math.pi, reduction="mean"):
        return _validated(_reordered)(prediction, target, period, reduction.lower() if reduction else "none")

    results = {r.id: r for r in grade(lenient, VISIBLE)}
    assert results["circular_mse.errors"].status == "failed"
    assert "MEAN" in results["circular_mse.errors"].message or "None" in results["circular_mse.errors"].message


def test_grading_is_deterministic():
    func = _validated(lambda p, t, period: torch.fmod(p - t, period) ** 2)
    first = [(r.id, r.score, r.message) for r in grade(func, VISIBLE)]
    second = [(r.id, r.score, r.message) for r in grade(func, VISIBLE)]
    assert first == second
