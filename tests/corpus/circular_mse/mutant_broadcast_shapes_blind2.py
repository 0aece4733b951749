"""Bug: only checks that the shapes broadcast (torch.broadcast_shapes), so e.g. (3,) vs (1,) or (4,1) vs (4,) is accepted instead of raising ValueError, breaking the same-shape clause."""

import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    try:
        torch.broadcast_shapes(prediction.shape, target.shape)
    except RuntimeError as exc:
        raise ValueError("prediction and target shapes are incompatible") from exc
    if isinstance(period, bool) or not isinstance(period, numbers.Real):
        raise TypeError("period must be a number")
    if not math.isfinite(period) or period <= 0:
        raise ValueError("period must be positive and finite")
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
