"""Correct: wraps with d - p * floor((d + p/2) / p) in the prediction's dtype (float32 stays float32), mean as sum()/numel(), validation via try/float."""

import math

import torch


def circular_mse(prediction, target, period=2 * math.pi, reduction="mean"):
    if prediction.size() != target.size():
        raise ValueError("circular_mse: prediction and target shapes differ")
    if isinstance(period, bool) or isinstance(period, (str, bytes)) or isinstance(period, torch.Tensor):
        raise TypeError("circular_mse: period must be an int or float")
    try:
        p = float(period)
    except (TypeError, ValueError) as exc:
        raise TypeError("circular_mse: period must be a number") from exc
    if math.isnan(p) or math.isinf(p) or p <= 0.0:
        raise ValueError("circular_mse: period must be a positive finite number")
    if reduction != "mean" and reduction != "sum" and reduction != "none":
        raise ValueError("circular_mse: bad reduction")
    tgt = target.to(prediction.dtype).to(prediction.device)
    d = prediction - tgt
    wrapped = d - p * torch.floor((d + 0.5 * p) / p)
    elem = wrapped.pow(2)
    if reduction == "none":
        return elem
    total = elem.sum()
    if reduction == "sum":
        return total
    return total / elem.numel()
