"""Checks of the `circular_mse` exercise (registered with `core.check`).

Expected values are data: ``expected("circular_mse")`` holds fixed inputs and
the reference's outputs (producer: `toyopt.oracles.circular_mse`); nothing
here computes the loss. The property checks (periodicity, symmetry, the
plain MSE within half a period, finite differences) compare the
submission with itself or with ``d ** 2``, which is the clause's own words.

Tolerances (one rule for every dtype, so that computing in float32 passes):
inputs lie within 4 periods P of 0, so in float32 the rounding of the
inputs, of ``d`` and of the wrap adds up to at most ~25 P * 2^-24 = 1.5e-6 P
on ``wrap(d)`` and, squared (``|wrap(d)| <= P/2``), to ~1.5e-6 P^2 on one
element: ``atol = 2e-6 * P^2`` per element (times n for a sum). The relative
part, ``rtol = 1e-5``, covers float32 rounding of the square and of a sum of
up to 64 elements in any order (<= 64 * 2^-24 = 3.8e-6). Any bug in the
wrap, the period or the reduction moves the loss by far more.
"""

from __future__ import annotations

import math

import numpy as np

from .core import CheckFailure, check, grading_settings, malformed, probe_results
from .expect import expected

EXERCISE = "circular_mse"
TWO_PI = 2 * math.pi
PERIODS = (TWO_PI, 1.0, 360.0, 0.5)
RTOL = 1e-5  # float32 rounding of the square and of a reduction (see above)
ATOL_PER_ELEMENT = 2e-6  # times period ** 2 (see above)

#: the clause (of the Contract in toyopt_ref.losses.circular_mse) that two checks test
CLAUSE_WRAP = "the elementwise loss is ``wrap(d) ** 2``"


def tolerances(case):
    """(rtol, atol) for `case`'s result (see the module docstring)."""
    period = case.get("period") or TWO_PI
    atol = ATOL_PER_ELEMENT * period ** 2
    if case.get("reduction") == "sum":
        atol *= max(int(np.prod(case.get("shape") or ())), 1)
    return RTOL, atol


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
    if case.get("target_dtype") and case["target_dtype"] != dtype:
        dtype = f"{dtype} prediction, {case['target_dtype']} target"
    return f"circular_mse({', '.join(args)}) [{dtype}]"


# ---------------------------------------------------------------- probing
def evaluate(target, cases):
    """Results of the probe for `cases` (validated: one dict per case)."""
    sent = [{k: c[k] for k in ("prediction", "target", "dtype", "target_dtype", "period", "reduction", "device")
             if k in c} for c in cases]
    return probe_results(target, "circular_mse.evaluate", len(cases), cases=sent)


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
    """Fail unless `res` matches the reference's value recorded in `case`."""
    want = np.asarray(case["want"], dtype=np.float64)
    got = tensor_value(case, res, tuple(case.get("shape") or ()) if case.get("reduction") == "none" else ())
    rtol, atol = tolerances(case)
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False):
        raise CheckFailure(f"{call_text(case)}{what}: expected {fmt(want)}, got {fmt(got)}")


def case(prediction, target, period, reduction=None):
    """An input (no expected value) for the property checks."""
    p = np.asarray(prediction, dtype=np.float64)
    c = {"prediction": p, "target": np.asarray(target, dtype=np.float64), "dtype": "float64",
         "shape": list(p.shape), "period": float(period)}
    return c if reduction is None else {**c, "reduction": reduction}


def random_pair(seed, shape, period=TWO_PI, spread=1.0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-spread * period, spread * period, shape),
            rng.uniform(-spread * period, spread * period, shape))


def data(key):
    """The expected cases `key` of this exercise, inputs as arrays."""
    cases = []
    for c in expected(EXERCISE)[key]:
        c = dict(c)
        shape = tuple(c.get("shape") or ())
        for k in ("prediction", "target"):
            c[k] = np.asarray(c[k], dtype=np.float64).reshape(shape)
        cases.append(c)
    return cases


# ---------------------------------------------------------------- checks
def _values_check(key, points, title, clause, what=""):
    """Register check `key`: the expected cases `key`, compared with the reference's values."""
    @check(EXERCISE, key, points, title, clause=clause)
    def run(target):
        cases = data(key)
        for c, res in zip(cases, evaluate(target, cases)):
            compare(c, res, what)


_values_check("values", 4, "values on inputs of many shapes (default period and reduction)", CLAUSE_WRAP)
_values_check("reductions", 3, "reduction='mean', 'sum' and 'none': shape and value",
              "``'mean'`` (default) and ``'sum'`` return a 0-d tensor")
_values_check("period", 3, "the period argument (1, 360, 0.5, 2 pi; int periods too)",
              "`period` is a positive finite number, int or float")
_values_check("wrap_around", 1, "wraps around: 0.1 and 2 pi - 0.1 are close", CLAUSE_WRAP,
              " (the angles are close across the wrap-around)")


@check(EXERCISE, "properties", 3, "periodic in either argument, symmetric",
       clause="periodic in either argument, symmetric under swapping them", requires=("values",))
def check_properties(target):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(grading_settings())
    @given(seed=st.integers(0, 2**16), period=st.sampled_from(PERIODS),
           k=st.integers(-3, 3), j=st.integers(-3, 3), n=st.integers(1, 5))
    def prop(seed, period, k, j, n):
        p, t = random_pair(seed, (n,), period=period)
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
        # |p|, |t| <= 4 P after the shift: the float64 shift itself is exact to ~1e-15 P
        rtol, atol = tolerances(base)
        for (c, why), res in zip(variants, results[1:]):
            got = tensor_value(c, res, (n,))
            if not np.allclose(got, ref, rtol=rtol, atol=atol):
                raise CheckFailure(f"{call_text(c)}: {why}: {call_text(base)} gave {fmt(ref)}, "
                                   f"this call gave {fmt(got)}")

    prop()


@check(EXERCISE, "matches_mse", 2, "equals plain MSE when |prediction - target| < period / 2",
       clause="equals ``d ** 2`` when ``|d| < period/2``", requires=("values",))
def check_matches_mse(target):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(grading_settings())
    @given(seed=st.integers(0, 2**16), period=st.sampled_from(PERIODS), n=st.integers(1, 6))
    def prop(seed, period, n):
        rng = np.random.default_rng(seed)
        t = rng.uniform(-period, period, n)
        p = t + rng.uniform(-0.49 * period, 0.49 * period, n)
        c = case(p, t, period=period)
        got = tensor_value(c, evaluate(target, [c])[0], ())
        want = float(np.mean((p - t) ** 2))
        rtol, atol = tolerances(c)
        if not np.isclose(got, want, rtol=rtol, atol=atol):
            raise CheckFailure(f"{call_text(c)}: the difference is within half a period, so the "
                               f"loss is the plain MSE {fmt(want)}; got {fmt(got)}")

    prop()


@check(EXERCISE, "dtype_device", 2, "the result has the prediction's dtype and device (both dtype orders)",
       clause="the result has `prediction`'s dtype and device", requires=("values",))
def check_dtype_device(target, device="cpu"):
    cases = [dict(c, device=device) for c in data("dtype")] if device != "cpu" else data("dtype")
    for c, res in zip(cases, evaluate(target, cases)):
        if not res.get("is_tensor"):
            raise CheckFailure(f"{call_text(c)}: expected a torch.Tensor, got a {res.get('type')}")
        if res.get("dtype") != c["dtype"]:
            raise CheckFailure(f"{call_text(c)}: expected a {c['dtype']} result (the prediction's "
                               f"dtype), got {res.get('dtype')}")
        if str(res.get("device")).split(":")[0] != device:
            raise CheckFailure(f"{call_text(c)}: expected the result on the prediction's device "
                               f"({device}), got {res.get('device')}")
        compare(c, res)


@check(EXERCISE, "dtype_device", 0, "the result on the prediction's CUDA device (not scored: skipped without a GPU)",
       device="cuda", clause="the result has `prediction`'s dtype and device", requires=("values",))
def check_dtype_device_cuda(target):
    check_dtype_device(target, device="cuda")


@check(EXERCISE, "gradients", 3, "gradients by autograd, with respect to both arguments",
       clause="differentiable with respect to both arguments (autograd)", requires=("values",))
def check_gradients(target):
    cases = data("gradients")
    sent = [{k: c[k] for k in ("prediction", "target", "period", "reduction", "probes")} for c in cases]
    results = probe_results(target, "circular_mse.gradients", len(cases), cases=sent)
    for c, res in zip(cases, results):
        where = call_text(c)
        shape = tuple(c["shape"])
        period = c["period"]
        if res.get("backward_error"):
            raise CheckFailure(f"{where}: cannot differentiate the result: {res['backward_error']} "
                               "(keep every step a torch operation: no .item(), NumPy or float())")
        wants = {name: np.asarray(c[f"want_grad_{name}"], dtype=np.float64).reshape(shape)
                 for name in ("prediction", "target")}
        for name, want in wants.items():
            got = res.get(f"grad_{name}")
            if got is None:
                raise CheckFailure(f"{where}: no gradient reached `{name}` (it must be "
                                   "differentiable with respect to both arguments)")
            got = np.asarray(got, dtype=np.float64)
            # |gradient| <= P per element; float32 rounding of wrap(d) (see above) ~1.5e-6 P
            if got.shape != shape or not np.allclose(got, want, rtol=RTOL, atol=1e-5 * period):
                raise CheckFailure(f"{where}: gradient with respect to {name}: expected "
                                   f"{fmt(want)}, got {fmt(got)}")
        # Finite differences of the submission's own values must agree with the
        # expected gradient: the inputs are >= 0.1 P from the fold and the steps
        # h * |v| <= 0.02 P, so the loss is one quadratic there and the central
        # difference is exact up to rounding, <= 1.5e-6 P^2 * n / h = 1.5e-4 P * n
        # in float32 (h = 0.01 P); we allow rtol 1e-4 and atol 2e-4 * P * n.
        values = [np.sum(np.asarray(v, dtype=np.float64)) for v in res.get("probe_values") or []]
        if len(values) != 4:
            raise malformed(EXERCISE)
        v, h = np.asarray(c["direction"], dtype=np.float64).reshape(shape), c["h"]
        n = max(int(np.prod(shape)), 1)
        for name, (plus, minus) in (("prediction", values[:2]), ("target", values[2:])):
            fd = (plus - minus) / (2 * h)
            rate = float(np.sum(wants[name] * v))
            if not np.isclose(fd, rate, rtol=1e-4, atol=2e-4 * period * n):
                raise CheckFailure(f"{where}: moving `{name}` a little changes your loss at rate "
                                   f"{fd:.6g}, but its gradient says {rate:.6g}")


@check(EXERCISE, "errors", 2, "different shapes, a bad period or reduction raise ValueError",
       clause="different shapes raise `ValueError`, even shapes that would broadcast", requires=("values",))
def check_errors(target):
    def bad(what, allowed=("ValueError",), **call):
        return what, {"prediction": np.zeros(3), "target": np.zeros(3), **call}, allowed

    cases = [
        bad("mismatched shapes (3,) and (2,)", target=np.zeros(2)),
        bad("mismatched shapes (2, 3) and (3,) (broadcastable, still an error)", prediction=np.zeros((2, 3))),
        bad("mismatched shapes (3, 1) and (3,)", prediction=np.zeros((3, 1))),
        bad("mismatched shapes () and (1,)", prediction=np.zeros(()), target=np.zeros(1)),
        bad("period=0", period=0.0),
        bad("period=-1", period=-1.0),
        bad("period=inf", period=np.array(np.inf)),
        bad("period=nan", period=np.array(np.nan)),
        bad("period='2'", ("ValueError", "TypeError"), period="2"),
        bad("reduction='avg'", reduction="avg"),
        bad("reduction='max'", reduction="max"),
        bad("reduction='MEAN' (the names are lower case)", reduction="MEAN"),
        bad("reduction=None", reduction=None),
    ]
    results = probe_results(target, "circular_mse.errors", len(cases), cases=[c for _, c, _ in cases])
    for (what, _, allowed), res in zip(cases, results):
        good = (res.get("value_error") and "ValueError" in allowed) or \
               (res.get("type_error") and "TypeError" in allowed)
        if not good:
            got = f"it raised {res.get('raised')}" if res.get("raised") else \
                f"it returned a {res.get('returned', 'value')}"
            raise CheckFailure(f"circular_mse with {what}: expected {' or '.join(allowed)}, {got}")
