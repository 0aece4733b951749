"""Bug: draws one noise value per point and adds it to both coordinates (ex == ey), breaking the clause that ex and ey are independent fresh draws for every coordinate."""

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
    i = np.tile(np.arange(half, dtype=np.float64), 2)
    cls = np.repeat(np.array([0, 1], dtype=np.int64), half)
    r = 5.0 * i / half
    t = 1.75 * 2 * np.pi * i / half + cls * np.pi
    noise = np.random.uniform(-0.1, 0.1, (2 * half, 1))
    points = np.column_stack([r * np.sin(t), r * np.cos(t)]) + noise
    return points.astype(np.float64), cls
