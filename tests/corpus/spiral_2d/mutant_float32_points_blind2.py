"""Bug: computes in float32 and forgets to cast back, returning float32 points, breaking the clause that points are exactly float64."""

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
    i = np.arange(half, dtype=np.float32)
    pts = []
    for c in (0, 1):
        r = np.float32(5.0) * i / np.float32(half)
        t = np.float32(1.75 * 2 * np.pi) * i / np.float32(half) + np.float32(c * np.pi)
        noise = np.random.uniform(-0.1, 0.1, (half, 2)).astype(np.float32)
        pts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + noise)
    labels = np.repeat(np.array([0, 1], dtype=np.int64), half)
    return np.concatenate(pts), labels
