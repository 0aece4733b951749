"""Correct: remainder into [0, period), then a torch.where branch moving the upper half down by one period."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("shape mismatch")
    if isinstance(period, bool) or not isinstance(period, numbers.Number) \
            or isinstance(period, complex):
        raise ValueError("period must be a real number")
    if period != period or period in (math.inf, -math.inf) or period <= 0:
        raise ValueError("period must be positive and finite")
    if reduction != "mean" and reduction != "sum" and reduction != "none":
        raise ValueError("reduction must be one of mean/sum/none")
    p = float(period)
    r = torch.remainder(prediction - target.to(prediction.dtype), p)   # [0, p]
    wrapped = torch.where(r >= p / 2, r - p, r)
    loss = wrapped ** 2
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean()
