"""Bug: the dtype clause: relies on type promotion, so a float32 prediction with a float64 target gives a float64 result instead of prediction's dtype."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if not (torch.is_tensor(prediction) and torch.is_tensor(target)):
        raise ValueError("prediction and target must be tensors")
    if prediction.shape != target.shape:
        raise ValueError(
            f"prediction has shape {tuple(prediction.shape)} but target {tuple(target.shape)}")
    if isinstance(period, bool) or not isinstance(period, numbers.Real) \
            or not math.isfinite(period) or period <= 0:
        raise ValueError(f"period must be a positive finite number, got {period!r}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    p = float(period)
    d = prediction - target
    wrapped = torch.remainder(d + p / 2, p) - p / 2
    loss = wrapped ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
