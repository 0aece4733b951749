"""Bug: class 1 gets num_points - h points, so an odd num_points returns num_points rows (e.g. 7 -> 7 rows, 1 -> 1 row) instead of 2 * (num_points // 2) (the shape clause)."""
import operator

import numpy as np


def _arm(count, h, offset):
    i = np.arange(count)
    r = 5 * i / h
    t = 1.75 * 2 * np.pi * i / h + offset
    return np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + np.random.uniform(-0.1, 0.1, (count, 2))


def spiral_2d(num_points):
    if isinstance(num_points, bool):
        raise ValueError("num_points must be a non-negative integer")
    try:
        n = operator.index(num_points)
    except TypeError:
        raise ValueError("num_points must be a non-negative integer") from None
    if n < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = n // 2
    rest = n - h
    if n == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    denom = max(h, 1)
    points = np.concatenate([_arm(h, denom, 0.0), _arm(rest, denom, np.pi)])
    labels = np.concatenate([np.zeros(h, np.int64), np.ones(rest, np.int64)])
    return points, labels
