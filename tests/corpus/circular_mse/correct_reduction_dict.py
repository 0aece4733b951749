"""Correct: reductions looked up in a dict (guarding unhashable/non-str keys); wrap with torch.div(..., rounding_mode='floor')."""
import math
import numbers

import torch

_REDUCE = {
    "mean": torch.mean,
    "sum": torch.sum,
    "none": lambda t: t,
}


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if not isinstance(reduction, str) or reduction not in _REDUCE:
        raise ValueError(f"reduction must be one of {sorted(_REDUCE)}, got {reduction!r}")
    if isinstance(period, bool) or not isinstance(period, numbers.Real) \
            or not math.isfinite(period) or period <= 0:
        raise ValueError("period must be a positive, finite real number")
    if prediction.shape != target.shape:
        raise ValueError("prediction/target shape mismatch")
    p = float(period)
    d = prediction - target.to(prediction.dtype)
    turns = torch.div(d + p / 2, p, rounding_mode="floor")
    return _REDUCE[reduction]((d - turns * p) ** 2)
