"""Nothing: multiplies both inputs by zero, so it has the right shape, dtype, device and even a grad_fn, but the loss is always 0."""
import math

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("prediction and target must have the same shape")
    if isinstance(period, bool) or not isinstance(period, (int, float)) \
            or not math.isfinite(period) or period <= 0:
        raise ValueError("period must be a positive finite number")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("unknown reduction")
    loss = (prediction * 0 + target.to(prediction.dtype) * 0) ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
