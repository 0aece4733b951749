"""Bug: subtracts target without casting it to prediction's dtype, so a float32 prediction with a float64 target returns float64, breaking the result-has-prediction's-dtype clause."""

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
    d = prediction - target
    wrapped = torch.remainder(d + period / 2, period) - period / 2
    loss = wrapped ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
