"""Nothing: returns the plain MSE of two zero tensors (always 0) with the requested reduction."""
import math

import torch
import torch.nn.functional as F


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.shape != target.shape:
        raise ValueError("shape mismatch")
    if not (isinstance(period, (int, float)) and 0 < period < math.inf):
        raise ValueError("bad period")
    zeros = torch.zeros_like(prediction)
    return F.mse_loss(zeros, torch.zeros_like(zeros), reduction=reduction)
