"""Correct: geometry built with torch float64 tensors and converted with .numpy(); the noise still comes from np.random."""
import numpy as np
import torch


def _count(value):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"num_points must be a non-negative integer, got {value!r}")
    value = value.__index__()
    if value < 0:
        raise ValueError(f"num_points must be a non-negative integer, got {value}")
    return value


def spiral_2d(num_points):
    h = _count(num_points) // 2
    if h == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    frac = torch.arange(h, dtype=torch.float64) / h
    frac = torch.cat([frac, frac])
    cls = torch.cat([torch.zeros(h, dtype=torch.int64), torch.ones(h, dtype=torch.int64)])
    r = 5.0 * frac
    t = 1.75 * 2 * torch.pi * frac + cls.to(torch.float64) * torch.pi
    base = torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1).numpy()
    points = base + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    return points.astype(np.float64), cls.numpy().astype(np.int64)
