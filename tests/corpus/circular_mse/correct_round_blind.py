"""Correct: subtract the nearest multiple of the period, d - period * torch.round(d / period)."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if not isinstance(prediction, torch.Tensor) or not isinstance(target, torch.Tensor):
        raise ValueError("expected two tensors")
    if prediction.shape != target.shape:
        raise ValueError("prediction and target must have identical shapes")
    ok = isinstance(period, numbers.Real) and not isinstance(period, bool) \
        and math.isfinite(period) and period > 0
    if not ok:
        raise ValueError("bad period")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("bad reduction")
    target = target.to(dtype=prediction.dtype)
    d = prediction - target
    d = d - float(period) * torch.round(d / float(period))
    loss = torch.square(d)
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()
