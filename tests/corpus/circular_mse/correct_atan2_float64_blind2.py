"""Correct: computes internally in float64 via atan2(sin, cos) of the phase-scaled difference, then casts the result back to prediction's dtype (reductions done before the cast)."""

import math

import torch

_REDUCTIONS = {"mean": torch.mean, "sum": torch.sum, "none": None}


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not isinstance(period, (int, float)) or isinstance(period, bool):
        raise TypeError("period must be an int or a float")
    if not (0 < period < math.inf):
        raise ValueError("period must be positive and finite")
    if tuple(prediction.shape) != tuple(target.shape):
        raise ValueError("prediction and target must have the same shape")
    out_dtype = prediction.dtype
    p64 = prediction.to(torch.float64)
    t64 = target.to(device=prediction.device, dtype=torch.float64)
    scale = 2 * math.pi / period
    phase = (p64 - t64) * scale
    wrapped = torch.atan2(torch.sin(phase), torch.cos(phase)) / scale
    loss = wrapped * wrapped
    fn = _REDUCTIONS[reduction]
    if fn is not None:
        loss = fn(loss)
    return loss.to(out_dtype)
