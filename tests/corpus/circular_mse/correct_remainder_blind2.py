"""Correct: wraps with torch.remainder(d + p/2, p) - p/2 in the prediction's dtype, target cast with .to(prediction), torch reductions."""

import math
import numbers

import torch


def _check_period(period):
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise TypeError(f"period must be a number, got {period!r}")
    period = float(period)
    if not math.isfinite(period) or period <= 0:
        raise ValueError(f"period must be positive and finite, got {period!r}")
    return period


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError(f"shape mismatch: {tuple(prediction.shape)} vs {tuple(target.shape)}")
    period = _check_period(period)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    target = target.to(dtype=prediction.dtype, device=prediction.device)
    d = prediction - target
    wrapped = torch.remainder(d + period / 2, period) - period / 2
    loss = wrapped ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
