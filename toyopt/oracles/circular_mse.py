"""Expected values of the `circular_mse` checks (instructor side: runs the reference).

Every case holds its inputs as lists (float64 values; a float32 case lists
the float32-rounded values, so the probe builds exactly these tensors) and
the reference's output computed in float64 from them: ``want`` (a number or
a nested list). The checks send the inputs and compare; they never compute
the loss themselves.
"""

from __future__ import annotations

import numpy as np
import torch

from toyopt_check.checks.circular_mse import PERIODS, TWO_PI, random_pair
from toyopt_check.checks.expect import producer

#: inputs spread over +-4 periods (the checks' tolerances assume no more)
SPREAD = 4.0


def _rounded(values, dtype):
    array = np.asarray(values, dtype=np.float64)
    return array.astype(np.float32).astype(np.float64) if dtype == "float32" else array


def reference(prediction, target, period=None, reduction=None):
    """The reference's loss in float64 (a float or a nested list)."""
    from toyopt_ref.losses import circular_mse

    kwargs = {k: v for k, v in (("period", period), ("reduction", reduction)) if v is not None}
    out = circular_mse(torch.tensor(np.asarray(prediction, np.float64)),
                       torch.tensor(np.asarray(target, np.float64)), **kwargs)
    return out.detach().numpy().tolist()


def case(prediction, target, period=None, reduction=None, dtype="float64", target_dtype=None):
    p = _rounded(prediction, dtype)
    t = _rounded(target, target_dtype or dtype)
    optional = {"target_dtype": target_dtype, "period": period, "reduction": reduction}
    return {"prediction": p.tolist(), "target": t.tolist(), "shape": list(p.shape), "dtype": dtype,
            **{k: v for k, v in optional.items() if v is not None}, "want": reference(p, t, period, reduction)}


def values_cases():
    cases = [case(0.5, 0.25), case([1.0, -1.0], [-1.0, 1.0]), case([[3.0, 0.0]], [[-3.0, 6.2]])]
    rng = np.random.default_rng(2026)
    for i in range(24):
        shape = tuple(int(s) for s in rng.integers(1, 5, rng.integers(0, 4)))
        cases.append(case(*random_pair(1000 + i, shape, spread=SPREAD)))
    return cases


def reductions_cases():
    cases = []
    for shape, seed in (((5,), 1), ((2, 3), 2), ((), 3), ((0,), 4), ((3, 1, 2), 5)):
        p, t = random_pair(seed, shape, spread=SPREAD)
        for reduction in ("mean", "sum", "none"):
            if shape == (0,) and reduction == "mean":
                continue  # the mean of nothing: not part of the contract
            cases.append(case(p, t, reduction=reduction))
    return cases


def period_cases():
    cases = []
    for i, period in enumerate(PERIODS):
        p, t = random_pair(10 + i, (6,), period=period, spread=2.0)
        cases += [case(p, t, period=period, reduction="none"), case(p, t, period=period)]
    # an int period is a number too
    cases.append(case([350.0, 10.0, -725.0], [5.0, 355.0, 1.0], period=360, reduction="none"))
    cases.append(case([2.5, -0.75], [0.0, 0.5], period=3, reduction="none"))
    return cases


def wrap_around_cases():
    return [case(0.1, TWO_PI - 0.1), case(TWO_PI - 0.1, 0.1), case(-3.0, 3.0),
            case([359.0, 1.0], [1.0, 359.0], period=360.0),
            case([0.45, -0.45], [-0.45, 0.45], period=1.0, reduction="none")]


def dtype_cases():
    p, t = random_pair(7, (4,), spread=SPREAD)
    pairs = (("float32", None), ("float64", None), ("float32", "float64"), ("float64", "float32"))
    return [case(p, t, reduction=reduction, dtype=dtype, target_dtype=target_dtype)
            for dtype, target_dtype in pairs for reduction in ("mean", "none")]


def gradient_cases():
    """Inputs at least 0.1 period away from the fold (the gradient jumps
    there) and a direction per case for finite differences whose steps
    (h * |v| <= 0.02 period) stay inside the same quadratic piece."""
    from toyopt_ref.losses import circular_mse

    cases = []
    for i, (shape, period, reduction) in enumerate((
            ((3,), TWO_PI, "mean"), ((2, 2), TWO_PI, "sum"), ((), TWO_PI, "mean"),
            ((4,), 1.0, "none"), ((3,), 360.0, "mean"), ((5,), 0.5, "sum"))):
        rng = np.random.default_rng(100 + i)
        t = rng.uniform(-2 * period, 2 * period, shape)
        w = rng.uniform(-0.4 * period, 0.4 * period, shape)
        k = rng.integers(-2, 3, shape)
        p = t + w + k * period
        v = np.clip(rng.normal(size=shape), -2.0, 2.0)
        h = 1e-2 * period
        pt = torch.tensor(p, requires_grad=True)
        tt = torch.tensor(t, requires_grad=True)
        circular_mse(pt, tt, period=period, reduction=reduction).sum().backward()
        cases.append({
            "prediction": np.asarray(p).tolist(), "target": np.asarray(t).tolist(), "shape": list(shape),
            "period": period, "reduction": reduction, "direction": np.asarray(v).tolist(), "h": h,
            "probes": [[np.asarray(a).tolist(), np.asarray(b).tolist()]
                       for a, b in ((p + h * v, t), (p - h * v, t), (p, t + h * v), (p, t - h * v))],
            "want_grad_prediction": pt.grad.numpy().tolist(),
            "want_grad_target": tt.grad.numpy().tolist(),
        })
    return cases


@producer("circular_mse")
def produce():
    return {"values": values_cases(), "reductions": reductions_cases(), "period": period_cases(),
            "wrap_around": wrap_around_cases(), "dtype": dtype_cases(), "gradients": gradient_cases()}
