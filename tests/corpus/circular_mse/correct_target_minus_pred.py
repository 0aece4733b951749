"""Correct: wraps target - prediction (the square is symmetric), period checked via float() with its own errors, squares by multiplication."""
import math

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if isinstance(period, (bool, str, bytes)) or period is None:
        raise ValueError(f"period must be a number, got {period!r}")
    try:
        p = float(period)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"period must be a number, got {period!r}") from exc
    if not math.isfinite(p) or p <= 0:
        raise ValueError(f"period must be positive and finite, got {period!r}")
    if list(prediction.shape) != list(target.shape):
        raise ValueError("prediction and target must have the same shape")
    if reduction == "mean":
        reduce = lambda t: t.mean()
    elif reduction == "sum":
        reduce = lambda t: t.sum()
    elif reduction == "none":
        reduce = lambda t: t
    else:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    d = target.to(prediction.dtype) - prediction
    k = torch.round(d / p)
    w = d - k * p
    return reduce(w * w)
