"""Bug: geometry is vectorised but the noise is drawn by a Python loop over the points (one np.random.uniform(-0.1, 0.1, 2) call per point), which the no-loop clause forbids."""
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


def spiral_2d(num_points):
    h = _count(num_points) // 2
    if h == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    frac = np.tile(np.arange(h) / h, 2)
    cls = np.repeat(np.array([0, 1]), h)
    r = 5 * frac
    t = 1.75 * 2 * np.pi * frac + cls * np.pi
    noise = np.array([np.random.uniform(-0.1, 0.1, 2) for _ in range(2 * h)])
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + noise
    return points, cls.astype(np.int64)
