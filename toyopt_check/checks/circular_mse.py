"""Checks of the `circular_mse` exercise (registered with `core.check`).

Expected values are computed here, independently of any torch code, in
NumPy float64: ``wrap(d) = d - P * floor((d + P/2) / P)`` and the loss
``wrap(p - t) ** 2``. The loss is continuous at the fold (``wrap(d) = +-P/2``
square to the same value), so values are compared everywhere; gradients jump
at the fold, so gradient inputs stay at least 0.1 P away from it.

Tolerances: float64 inputs of magnitude <= 4 P lose at most ~1e-15 * 4P to
rounding in ``p - t`` and in the wrap, i.e. ~1e-14 P^2 in the loss: we allow
``rtol=1e-7, atol=1e-9 * P^2`` (wide enough for an ``atan2(sin, cos)`` form).
float32 results are held to ``rtol=1e-4, atol=1e-4 * P^2`` (float32 rounding
of inputs up to 4 P is ~5e-7 * P, doubled in the square).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings, strategies as st

from .core import GRADING, CheckFailure, check

EXERCISE = "circular_mse"
TWO_PI = 2 * math.pi
PERIODS = (TWO_PI, 1.0, 360.0, 0.5)


# ---------------------------------------------------------------- trusted maths
def wrap(d, period):
    """`d` wrapped into [-period/2, period/2) (NumPy float64)."""
    d = np.asarray(d, dtype=np.float64)
    return d - period * np.floor((d + period / 2) / period)


def expected_loss(prediction, target, period=TWO_PI, reduction="mean"):
    loss = wrap(np.asarray(prediction, np.float64) - np.asarray(target, np.float64), period) ** 2
    if reduction == "mean":
        return np.float64(loss.mean())
    if reduction == "sum":
        return np.float64(loss.sum())
    return loss


def tolerances(period, dtype="float64"):
    scale = period ** 2
    if dtype == "float32":
        return 1e-4, 1e-4 * scale
    return 1e-7, 1e-9 * scale


# ---------------------------------------------------------------- formatting
def fmt(x):
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    text = np.array2string(arr, precision=4, separator=", ", threshold=12, max_line_width=200)
    return f"tensor({text})"


def call_text(case):
    args = [fmt(case["prediction"]), fmt(case["target"])]
    if case.get("period") is not None:
        args.append(f"period={case['period']:g}")
    if case.get("reduction") is not None:
        args.append(f"reduction={case['reduction']!r}")
    dtype = case.get("dtype", "float64")
    return f"circular_mse({', '.join(args)}) [{dtype}]"


# ---------------------------------------------------------------- probing
def evaluate(target, cases):
    """Results of the probe for `cases` (validated: one dict per case)."""
    out = target.probe("circular_mse.evaluate", cases=cases)
    results = out.get("results") if isinstance(out, dict) else None
    if not isinstance(results, list) or len(results) != len(cases):
        raise CheckFailure("circular_mse: the grader got a malformed answer from your code's run")
    return results


def tensor_value(case, res, want_shape):
    """The value of a result that must be a tensor of `want_shape`."""
    if not res.get("is_tensor"):
        raise CheckFailure(f"{call_text(case)}: expected a torch.Tensor, got a {res.get('type')}")
    shape = tuple(res.get("shape") or ())
    if shape != tuple(want_shape):
        raise CheckFailure(f"{call_text(case)}: expected a result of shape {tuple(want_shape)}, "
                           f"got shape {shape}")
    value = np.asarray(res.get("value"), dtype=np.float64)
    if value.shape != tuple(want_shape):
        raise CheckFailure(f"{call_text(case)}: the result's values do not have its shape")
    return value


def compare(case, res, what=""):
    """Fail unless `res` matches the trusted value for `case`."""
    period = case.get("period") or TWO_PI
    reduction = case.get("reduction") or "mean"
    want = expected_loss(case["prediction"], case["target"], period, reduction)
    shape = np.shape(case["prediction"]) if reduction == "none" else ()
    got = tensor_value(case, res, shape)
    rtol, atol = tolerances(period, case.get("dtype", "float64"))
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False):
        raise CheckFailure(f"{call_text(case)}{what}: expected {fmt(want)}, got {fmt(got)}")


def case(prediction, target, period=None, reduction=None, dtype="float64", target_dtype=None):
    c = {"prediction": np.asarray(prediction, dtype=np.float64),
         "target": np.asarray(target, dtype=np.float64), "dtype": dtype}
    if period is not None:
        c["period"] = float(period)
    if reduction is not None:
        c["reduction"] = reduction
    if target_dtype is not None:
        c["target_dtype"] = target_dtype
    return c


def random_pair(seed, shape, period=TWO_PI, spread=4.0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(-spread * period, spread * period, shape)
    t = rng.uniform(-spread * period, spread * period, shape)
    return p, t


def run_property(test, describe_failure):
    """Run a Hypothesis test; turn its (shrunk) failure into a CheckFailure."""
    try:
        test()
    except CheckFailure:
        raise
    except AssertionError as exc:  # pragma: no cover - tests raise CheckFailure
        raise CheckFailure(describe_failure(exc)) from None


shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


# ---------------------------------------------------------------- checks
@check(EXERCISE, "values", 4, "values on random inputs of any shape (default period and reduction)")
def check_values(target):
    fixed = [case(0.5, 0.25), case([1.0, -1.0], [-1.0, 1.0]), case([[3.0, 0.0]], [[-3.0, 6.2]])]
    for c, res in zip(fixed, evaluate(target, fixed)):
        compare(c, res)

    @settings(GRADING)
    @given(shape=shapes, seed=st.integers(0, 2**16))
    def prop(shape, seed):
        c = case(*random_pair(seed, shape))
        compare(c, evaluate(target, [c])[0])

    prop()


@check(EXERCISE, "reductions", 3, "reduction='mean', 'sum' and 'none': shape and value")
def check_reductions(target):
    cases = []
    for shape, seed in (((5,), 1), ((2, 3), 2), ((), 3), ((0,), 4)):
        p, t = random_pair(seed, shape)
        for reduction in ("mean", "sum", "none"):
            if shape == (0,) and reduction == "mean":
                continue  # the mean of nothing is undefined (nan); not part of the contract
            cases.append(case(p, t, reduction=reduction))
    for c, res in zip(cases, evaluate(target, cases)):
        compare(c, res)


@check(EXERCISE, "period", 3, "the period argument (1, 360, 0.5, 2 pi)")
def check_period(target):
    cases = []
    for i, period in enumerate(PERIODS):
        p, t = random_pair(10 + i, (6,), period=period, spread=2.0)
        cases.append(case(p, t, period=period, reduction="none"))
        cases.append(case(p, t, period=period))
    # integer periods work too (a number, not only a float)
    cases.append(dict(case([350.0, 10.0], [5.0, 355.0], reduction="none"), period=360))
    for c, res in zip(cases, evaluate(target, cases)):
        compare(c, res)


@check(EXERCISE, "properties", 3, "periodic in either argument, symmetric")
def check_properties(target):
    @settings(GRADING)
    @given(seed=st.integers(0, 2**16), period=st.sampled_from(PERIODS),
           k=st.integers(-3, 3), j=st.integers(-3, 3), n=st.integers(1, 5))
    def prop(seed, period, k, j, n):
        p, t = random_pair(seed, (n,), period=period, spread=1.0)
        base = case(p, t, period=period, reduction="none")
        variants = [
            (case(p + k * period, t, period=period, reduction="none"),
             f"adding {k} * period to the prediction changed the loss"),
            (case(p, t + j * period, period=period, reduction="none"),
             f"adding {j} * period to the target changed the loss"),
            (case(t, p, period=period, reduction="none"),
             "swapping prediction and target changed the loss"),
        ]
        results = evaluate(target, [base] + [v for v, _ in variants])
        ref = tensor_value(base, results[0], (n,))
        rtol, atol = tolerances(period)
        for (c, why), res in zip(variants, results[1:]):
            got = tensor_value(c, res, (n,))
            if not np.allclose(got, ref, rtol=rtol, atol=atol):
                raise CheckFailure(f"{call_text(c)}: {why}: {call_text(base)} gave {fmt(ref)}, "
                                   f"this call gave {fmt(got)}")

    prop()


@check(EXERCISE, "matches_mse", 2, "equals plain MSE when |prediction - target| < period / 2")
def check_matches_mse(target):
    @settings(GRADING)
    @given(seed=st.integers(0, 2**16), period=st.sampled_from(PERIODS), n=st.integers(1, 6))
    def prop(seed, period, n):
        rng = np.random.default_rng(seed)
        t = rng.uniform(-period, period, n)
        p = t + rng.uniform(-0.49 * period, 0.49 * period, n)
        c = case(p, t, period=period)
        got = tensor_value(c, evaluate(target, [c])[0], ())
        want = float(np.mean((p - t) ** 2))
        rtol, atol = tolerances(period)
        if not np.isclose(got, want, rtol=rtol, atol=atol):
            raise CheckFailure(f"{call_text(c)}: the difference is within half a period, so the "
                               f"loss is the plain MSE {fmt(want)}; got {fmt(got)}")

    prop()


@check(EXERCISE, "wrap_around", 1, "wraps around: 0.1 and 2 pi - 0.1 are close")
def check_wrap_around(target):
    cases = [case(0.1, TWO_PI - 0.1), case(TWO_PI - 0.1, 0.1), case(-3.0, 3.0),
             case([359.0, 1.0], [1.0, 359.0], period=360.0)]
    for c, res in zip(cases, evaluate(target, cases)):
        compare(c, res, " (the angles are close across the wrap-around)")


@check(EXERCISE, "dtype_device", 2, "the result has the prediction's dtype and device")
def check_dtype_device(target):
    p, t = random_pair(7, (4,))
    cases = [case(p, t, dtype="float32"), case(p, t, dtype="float64"),
             case(p, t, dtype="float32", reduction="none"),
             case(p, t, dtype="float64", target_dtype="float32", reduction="sum")]
    for c, res in zip(cases, evaluate(target, cases)):
        if not res.get("is_tensor"):
            raise CheckFailure(f"{call_text(c)}: expected a torch.Tensor, got a {res.get('type')}")
        if res.get("dtype") != c["dtype"]:
            raise CheckFailure(f"{call_text(c)}: expected a {c['dtype']} result (the prediction's "
                               f"dtype), got {res.get('dtype')}")
        if res.get("device") != "cpu":
            raise CheckFailure(f"{call_text(c)}: expected the result on the prediction's device "
                               f"(cpu), got {res.get('device')}")
        compare(c, res)


def gradient_cases():
    """Inputs at least 0.1 period away from the fold, with a random direction each."""
    cases = []
    for i, (shape, period, reduction) in enumerate((
            ((3,), TWO_PI, "mean"), ((2, 2), TWO_PI, "sum"), ((), TWO_PI, "mean"),
            ((4,), 1.0, "none"), ((3,), 360.0, "mean"), ((5,), 0.5, "sum"))):
        rng = np.random.default_rng(100 + i)
        t = rng.uniform(-2 * period, 2 * period, shape)
        w = rng.uniform(-0.4 * period, 0.4 * period, shape)
        k = rng.integers(-2, 3, shape)
        p = t + w + k * period
        c = case(p, t, period=period, reduction=reduction)
        v = rng.normal(size=shape)
        h = 1e-5 * period
        c["direction"], c["h"] = v, h
        c["probes"] = [[p + h * v, t], [p - h * v, t], [p, t + h * v], [p, t - h * v]]
        cases.append(c)
    return cases


@check(EXERCISE, "gradients", 3, "gradients by autograd: analytic, finite differences, gradcheck")
def check_gradients(target):
    cases = gradient_cases()
    sent = [{k: c[k] for k in ("prediction", "target", "period", "reduction", "probes")} for c in cases]
    out = target.probe("circular_mse.gradients", cases=sent)
    results = out.get("results") if isinstance(out, dict) else None
    if not isinstance(results, list) or len(results) != len(cases):
        raise CheckFailure("circular_mse: the grader got a malformed answer from your code's run")
    for c, res in zip(cases, results):
        where = call_text(c)
        shape = np.shape(c["prediction"])
        if res.get("backward_error"):
            raise CheckFailure(f"{where}: cannot differentiate the result: {res['backward_error']} "
                               "(keep every step a torch operation: no .item(), NumPy or float())")
        period, reduction = c["period"], c["reduction"]
        n = max(int(np.prod(shape)), 1)
        w = wrap(c["prediction"] - c["target"], period)
        scale = 1.0 / n if reduction == "mean" else 1.0
        want_p, want_t = 2 * w * scale, -2 * w * scale
        for name, want in (("prediction", want_p), ("target", want_t)):
            got = res.get(f"grad_{name}")
            if got is None:
                raise CheckFailure(f"{where}: no gradient reached `{name}` (it must be "
                                   "differentiable with respect to both arguments)")
            got = np.asarray(got, dtype=np.float64)
            # analytic gradient; float64 rounding ~1e-15 * P
            if got.shape != shape or not np.allclose(got, want, rtol=1e-7, atol=1e-10 * period):
                raise CheckFailure(f"{where}: gradient with respect to {name}: expected "
                                   f"{fmt(want)} (2 * wrap(d){' / n' if scale != 1 else ''}), "
                                   f"got {fmt(got)}")
        # finite differences from values computed by the submission itself: the
        # loss is quadratic near these inputs, so the central difference is exact
        # up to rounding (~1e-16 * P^2 / h = 1e-11 * P); allow 1e-6 * P.
        values = [np.sum(np.asarray(v, dtype=np.float64)) for v in res.get("probe_values") or []]
        if len(values) != 4:
            raise CheckFailure("circular_mse: the grader got a malformed answer from your code's run")
        v, h = c["direction"], c["h"]
        for name, (plus, minus), grad in (("prediction", values[:2], want_p), ("target", values[2:], want_t)):
            fd = (plus - minus) / (2 * h)
            if not np.isclose(fd, np.sum(grad * v), rtol=1e-5, atol=1e-6 * period):
                raise CheckFailure(f"{where}: moving `{name}` a little changes your loss at rate "
                                   f"{fd:.6g}, but the circular MSE changes at rate "
                                   f"{np.sum(grad * v):.6g}")
        if res.get("gradcheck") is not True:
            raise CheckFailure(f"{where}: torch.autograd.gradcheck failed: "
                               f"{res.get('gradcheck_error') or 'gradients disagree'}")


@check(EXERCISE, "errors", 2, "bad arguments raise ValueError")
def check_errors(target):
    ok = np.zeros(3)
    cases = [
        ("mismatched shapes (3,) and (2,)", {"prediction": ok, "target": np.zeros(2)}, ("ValueError",)),
        ("mismatched shapes (2, 3) and (3,) (broadcastable, still an error)",
         {"prediction": np.zeros((2, 3)), "target": ok}, ("ValueError",)),
        ("mismatched shapes (3, 1) and (3,)", {"prediction": np.zeros((3, 1)), "target": ok}, ("ValueError",)),
        ("period=0", {"prediction": ok, "target": ok, "period": 0.0}, ("ValueError",)),
        ("period=-1", {"prediction": ok, "target": ok, "period": -1.0}, ("ValueError",)),
        ("period=inf", {"prediction": ok, "target": ok, "period": np.array(np.inf)}, ("ValueError",)),
        ("period='2'", {"prediction": ok, "target": ok, "period": "2"}, ("ValueError", "TypeError")),
        ("reduction='avg'", {"prediction": ok, "target": ok, "reduction": "avg"}, ("ValueError",)),
        ("reduction='max'", {"prediction": ok, "target": ok, "reduction": "max"}, ("ValueError",)),
    ]
    out = target.probe("circular_mse.errors", cases=[c for _, c, _ in cases])
    results = out.get("results") if isinstance(out, dict) else None
    if not isinstance(results, list) or len(results) != len(cases):
        raise CheckFailure("circular_mse: the grader got a malformed answer from your code's run")
    for (what, _, allowed), res in zip(cases, results):
        good = (res.get("value_error") and "ValueError" in allowed) or \
               (res.get("type_error") and "TypeError" in allowed)
        if not good:
            got = f"it raised {res.get('raised')}" if res.get("raised") else \
                f"it returned a {res.get('returned', 'value')}"
            raise CheckFailure(f"circular_mse with {what}: expected {' or '.join(allowed)}, {got}")
