"""Bug: the per-point geometry goes through np.vectorize of a scalar Python function, which is a Python loop over the points (the no-loop clause); the output is otherwise right."""
import math
import operator

import numpy as np


def _count(num_points):
    if isinstance(num_points, bool):
        raise ValueError("num_points must be a non-negative integer")
    try:
        n = operator.index(num_points)
    except TypeError:
        raise ValueError("num_points must be a non-negative integer") from None
    if n < 0:
        raise ValueError("num_points must be a non-negative integer")
    return n


def _point(i, c, h):
    r = 5 * i / h
    t = 1.75 * 2 * math.pi * i / h + c * math.pi
    return r * math.sin(t), r * math.cos(t)


_vpoint = np.vectorize(_point)


def spiral_2d(num_points):
    h = _count(num_points) // 2
    if h == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    i = np.tile(np.arange(h), 2)
    c = np.repeat(np.array([0, 1]), h)
    xs, ys = _vpoint(i, c, h)
    points = np.stack([xs, ys], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    return points.astype(np.float64), c.astype(np.int64)
