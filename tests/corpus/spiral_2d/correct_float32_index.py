"""Correct: float32 index/label intermediates (lossless for these integers) cast to float64/int64 before any arithmetic."""
import numbers

import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, numbers.Integral) or num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = int(num_points) // 2
    if h == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    i = np.arange(h, dtype=np.float32).astype(np.float64)   # exact: h < 2**24 in practice
    lab32 = np.concatenate([np.zeros(h, np.float32), np.ones(h, np.float32)])
    i2 = np.concatenate([i, i])
    r = 5 * i2 / h
    t = 1.75 * 2 * np.pi * i2 / h + lab32.astype(np.float64) * np.pi
    pts = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    pts = pts + np.random.uniform(-0.1, 0.1, size=pts.shape)
    return pts, lab32.astype(np.int64)
