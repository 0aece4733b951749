"""Correct: wraps the difference then reuses F.mse_loss against zeros with the same reduction."""
import math
import numbers

import torch
import torch.nn.functional as F


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"Invalid reduction: {reduction}")
    if not isinstance(period, numbers.Real) or isinstance(period, bool):
        raise ValueError(f"Invalid period: {period!r}")
    if math.isnan(period) or math.isinf(period) or period <= 0:
        raise ValueError(f"Invalid period: {period!r}")
    if prediction.shape != target.shape:
        raise ValueError(f"Shapes differ: {prediction.shape} vs {target.shape}")
    p = float(period)
    diff = torch.sub(prediction, target.to(prediction.dtype))
    wrapped = torch.remainder(diff + 0.5 * p, p) - 0.5 * p
    return F.mse_loss(wrapped, torch.zeros_like(wrapped), reduction=reduction)
