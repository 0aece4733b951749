"""Bug: wraps with torch.remainder(d, period) (into [0, period)) without the half-period shift, so small negative differences get a loss near period**2, breaking the wrap-into-[-period/2, period/2) clause."""

import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("shape mismatch")
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise TypeError("period must be a number")
    if not math.isfinite(period) or period <= 0:
        raise ValueError("period must be positive and finite")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    target = target.to(dtype=prediction.dtype, device=prediction.device)
    wrapped = torch.remainder(prediction - target, period)
    loss = wrapped ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
