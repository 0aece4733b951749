"""Correct: casts the target to prediction's dtype and device first, uses Tensor methods (sub, add, remainder, sub, pow)."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if not (isinstance(period, numbers.Real) and not isinstance(period, bool)):
        raise ValueError("period: expected a real number")
    if not (period > 0 and math.isfinite(period)):
        raise ValueError("period: expected a positive finite value")
    if reduction not in ["mean", "sum", "none"]:
        raise ValueError("reduction: expected 'mean', 'sum' or 'none'")
    if prediction.shape != target.shape:
        raise ValueError("prediction and target: shapes must be equal")
    target = target.to(device=prediction.device, dtype=prediction.dtype)
    half = 0.5 * float(period)
    loss = prediction.sub(target).add(half).remainder(float(period)).sub(half).pow(2)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
