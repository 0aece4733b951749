"""Correct: reduces each angle modulo the period first, then wraps their difference into [-p/2, p/2)."""
import math
import numbers

import torch


def _wrap(x, p):
    return torch.remainder(x + p / 2, p) - p / 2


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("prediction and target must have the same shape")
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise ValueError("period must be a real number")
    if not (math.isfinite(period) and period > 0):
        raise ValueError("period must be a positive finite number")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("unknown reduction")
    p = float(period)
    a = torch.remainder(prediction, p)
    b = torch.remainder(target.to(prediction.dtype), p)
    loss = _wrap(a - b, p) ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
