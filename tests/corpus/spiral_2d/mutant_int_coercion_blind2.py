"""Bug: validates with int(num_points), so non-integers such as 4.0, 2.5 or "10" are silently accepted instead of raising ValueError/TypeError (negative still raises)."""

import numpy as np


def spiral_2d(num_points):
    num_points = int(num_points)
    if num_points < 0:
        raise ValueError("num_points must be non-negative")
    half = num_points // 2
    if half == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    i = np.tile(np.arange(half, dtype=np.float64), 2)
    cls = np.repeat(np.array([0, 1], dtype=np.int64), half)
    r = 5.0 * i / half
    t = 1.75 * 2 * np.pi * i / half + cls * np.pi
    noise = np.random.uniform(-0.1, 0.1, (2 * half, 2))
    points = np.column_stack([r * np.sin(t), r * np.cos(t)]) + noise
    return points.astype(np.float64), cls
