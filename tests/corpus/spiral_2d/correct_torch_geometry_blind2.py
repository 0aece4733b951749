"""Correct: geometry computed with torch (float64 tensors, outer-product style), noise from np.random.random scaled to [-0.1, 0.1), ValueError on bad input."""

import math
import numbers

import numpy as np
import torch


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (numbers.Integral, np.integer)):
        raise ValueError(f"num_points must be an integer, got {num_points!r}")
    num_points = int(num_points)
    if num_points < 0:
        raise ValueError("num_points must be >= 0")
    h = num_points // 2
    if h < 1:
        return np.empty((0, 2), dtype=np.float64), np.empty((0,), dtype=np.int64)
    frac = torch.arange(h, dtype=torch.float64) / h            # (h,)
    offsets = torch.tensor([0.0, math.pi], dtype=torch.float64)  # (2,)
    r = (5.0 * frac).unsqueeze(0).expand(2, h)                  # (2, h)
    t = 1.75 * 2 * math.pi * frac.unsqueeze(0) + offsets.unsqueeze(1)
    xy = torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=-1).reshape(2 * h, 2)
    noise = 0.2 * np.random.random((2 * h, 2)) - 0.1
    points = xy.numpy() + noise
    labels = np.concatenate([np.zeros(h, dtype=np.int64), np.ones(h, dtype=np.int64)])
    return np.ascontiguousarray(points, dtype=np.float64), labels
