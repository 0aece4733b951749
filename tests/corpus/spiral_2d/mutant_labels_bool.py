"""Bug: labels are a bool array (row >= h) instead of int64 0/1 (the dtype clause)."""
import operator

import numpy as np

RADIUS = 5.0
TURNS = 1.75
NOISE = 0.1


def _count(num_points):
    if isinstance(num_points, bool):
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}")
    try:
        n = operator.index(num_points)
    except TypeError:
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}") from None
    if n < 0:
        raise ValueError(f"num_points must be a non-negative integer, got {n}")
    return n


def spiral_2d(num_points):
    h = _count(num_points) // 2
    if h == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    frac = np.arange(h) / h
    cls = np.repeat(np.array([0, 1]), h)
    frac = np.tile(frac, 2)
    r = RADIUS * frac
    t = TURNS * 2 * np.pi * frac + cls * np.pi
    noise = np.random.uniform(-NOISE, NOISE, (2 * h, 2))
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + noise
    labels = np.arange(2 * h) >= h
    return points.astype(np.float64), labels
