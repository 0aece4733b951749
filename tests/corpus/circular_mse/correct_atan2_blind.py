"""Correct: wrap through the unit circle, atan2(sin, cos) scaled by period / (2 pi); result lies in (-p/2, p/2], same squares."""
import math
import numbers

import torch


def _check_period(period):
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise ValueError(f"period must be a number, not {type(period).__name__}")
    period = float(period)
    if math.isnan(period) or math.isinf(period) or period <= 0.0:
        raise ValueError(f"period must be positive and finite, got {period}")
    return period


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    period = _check_period(period)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction {reduction!r} is not one of 'mean', 'sum', 'none'")
    if prediction.size() != target.size():
        raise ValueError("shapes differ")
    scale = 2.0 * math.pi / period
    angle = (prediction - target.type(prediction.dtype)) * scale
    wrapped = torch.atan2(torch.sin(angle), torch.cos(angle)) / scale
    elementwise = wrapped.pow(2)
    if reduction == "mean":
        return elementwise.mean()
    elif reduction == "sum":
        return elementwise.sum()
    return elementwise
