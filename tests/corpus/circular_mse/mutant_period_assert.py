"""Bug: the period clause: period is checked with assert, so a bad period raises AssertionError, not ValueError."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if not (torch.is_tensor(prediction) and torch.is_tensor(target)):
        raise ValueError("prediction and target must be tensors")
    if prediction.shape != target.shape:
        raise ValueError(
            f"prediction has shape {tuple(prediction.shape)} but target {tuple(target.shape)}")
    assert not isinstance(period, bool) and isinstance(period, numbers.Real) \
        and math.isfinite(period) and period > 0, "period must be a positive finite number"
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    p = float(period)
    d = prediction - target.to(prediction.dtype)
    wrapped = torch.remainder(d + p / 2, p) - p / 2
    loss = wrapped ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
