"""Nothing: validates the arguments, then returns zeros of the right shape, dtype and device (no wrap, no loss)."""
import math
import numbers

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("prediction and target must have the same shape")
    if isinstance(period, bool) or not isinstance(period, numbers.Real) \
            or not math.isfinite(period) or period <= 0:
        raise ValueError("period must be a positive finite number")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("unknown reduction")
    if reduction == "none":
        return torch.zeros_like(prediction)
    return torch.zeros((), dtype=prediction.dtype, device=prediction.device)
