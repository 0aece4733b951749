"""Correct: computes in float64 for accuracy, then casts the result back to prediction's dtype (and device)."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if not torch.is_tensor(prediction) or not torch.is_tensor(target):
        raise ValueError("tensors expected")
    if prediction.shape != target.shape:
        raise ValueError(f"{prediction.shape} != {target.shape}")
    if isinstance(period, bool) or not isinstance(period, numbers.Real) \
            or not math.isfinite(float(period)) or float(period) <= 0:
        raise ValueError("period must be positive and finite")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction={reduction!r}")
    p = float(period)
    d = prediction.double() - target.double()
    wrapped = d - p * torch.floor((d + p / 2) / p)
    loss = wrapped * wrapped
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss.to(prediction.dtype)
