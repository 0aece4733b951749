"""Bug: always wraps with 2 pi, whatever the period."""

import math

import numpy as np  # noqa: F401
import torch

def _validate(prediction, target, period, reduction):
    if prediction.shape != target.shape:
        raise ValueError(f"shapes differ: {tuple(prediction.shape)} vs {tuple(target.shape)}")
    if isinstance(period, bool) or not isinstance(period, (int, float)) or not math.isfinite(period) or period <= 0:
        raise ValueError(f"bad period {period!r}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"bad reduction {reduction!r}")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    _validate(prediction, target, period, reduction)
    d = prediction - target.to(prediction.dtype)
    wrapped = torch.remainder(d + math.pi, 2 * math.pi) - math.pi
    return _reduce(wrapped ** 2, reduction)
