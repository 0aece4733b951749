"""Bug: uses torch.fmod(d + p/2, p) - p/2 (C-style remainder keeping the sign), so differences below -period/2 are not wrapped, breaking the wrap/periodicity clause."""

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
    target = target.to(dtype=prediction.dtype, device=prediction.device)
    d = prediction - target
    wrapped = torch.fmod(d + period / 2, period) - period / 2
    loss = wrapped ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
