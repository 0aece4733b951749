"""Correct: fmod into (-p, p), then two torch.where branches fold both sides into [-p/2, p/2)."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("prediction and target must have the same shape")
    if isinstance(period, bool) or not isinstance(period, numbers.Real) \
            or not math.isfinite(period) or period <= 0:
        raise ValueError("period must be a positive finite number")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction must be 'mean', 'sum' or 'none'")
    p = float(period)
    d = torch.fmod(prediction - target.to(prediction.dtype), p)       # (-p, p)
    d = torch.where(d >= p / 2, d - p, d)
    d = torch.where(d < -p / 2, d + p, d)
    loss = d ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
