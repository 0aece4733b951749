"""Correct: torch.fmod (sign of the dividend) fixed up with torch.where into [0, period), then centred."""
import math
import numbers

import torch

_REDUCTIONS = ("mean", "sum", "none")


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if reduction not in _REDUCTIONS:
        raise ValueError("reduction must be 'mean', 'sum' or 'none'")
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise ValueError("period must be a real number")
    if not (0 < period < math.inf):  # also False for nan
        raise ValueError("period must be positive and finite")
    if tuple(prediction.shape) != tuple(target.shape):
        raise ValueError("prediction and target must have the same shape")
    period = float(period)
    half = period / 2.0
    shifted = torch.fmod(prediction - target + half, period)
    shifted = torch.where(shifted < 0, shifted + period, shifted)
    wrapped = shifted - half
    loss = (wrapped * wrapped).to(prediction.dtype)
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()
