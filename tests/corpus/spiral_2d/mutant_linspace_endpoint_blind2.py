"""Bug: uses np.linspace(0, 1, h) (endpoint included, i/(h-1)) for the spiral parameter instead of i/h, breaking the r = 5*i/h, t = 1.75*2*pi*i/h geometry clause."""

import numpy as np


def _check_count(value):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"num_points must be a non-negative integer, got {value!r}")
    value = value.__index__()
    if value < 0:
        raise ValueError(f"num_points must be non-negative, got {value}")
    return value


def spiral_2d(num_points):
    half = _check_count(num_points) // 2
    if half == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    frac = np.linspace(0.0, 1.0, half)
    points = []
    labels = []
    for c in (0, 1):
        r = 5.0 * frac
        t = 1.75 * 2 * np.pi * frac + c * np.pi
        noise = np.random.uniform(-0.1, 0.1, (half, 2))
        points.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + noise)
        labels.append(np.full(half, c, dtype=np.int64))
    return np.concatenate(points).astype(np.float64), np.concatenate(labels)
