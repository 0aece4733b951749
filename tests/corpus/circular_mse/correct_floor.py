"""Correct: floor-based wrap, d - period * floor(d / period + 1/2), validated with explicit messages; sum()/numel() for the mean."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise ValueError("circular_mse: period must be a real number")
    if not math.isfinite(period):
        raise ValueError("circular_mse: period must be finite")
    if period <= 0:
        raise ValueError("circular_mse: period must be > 0")
    if not isinstance(reduction, str) or reduction not in ("mean", "sum", "none"):
        raise ValueError("circular_mse: reduction must be 'mean', 'sum' or 'none'")
    if prediction.shape != target.shape:
        raise ValueError("circular_mse: prediction and target shapes differ")
    period = float(period)
    diff = prediction - target
    n_turns = torch.floor(diff / period + 0.5)
    wrapped = diff - n_turns * period
    loss = (wrapped ** 2).to(prediction.dtype)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / loss.numel()
    return loss
