"""Nothing: returns the prediction itself (reduced as asked), never looking at the target or the period."""
import math

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if reduction == "mean":
        return prediction.mean()
    if reduction == "sum":
        return prediction.sum()
    if reduction == "none":
        return prediction
    raise ValueError("unknown reduction")
