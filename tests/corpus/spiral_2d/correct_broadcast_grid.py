"""Correct: numpy broadcasting of a (2, h) class-by-index grid, raveled, with one (2h, 2) uniform noise draw."""
import operator

import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool):
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}")
    try:
        n = operator.index(num_points)
    except TypeError:
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}") from None
    if n < 0:
        raise ValueError(f"num_points must be a non-negative integer, got {n}")
    h = n // 2
    if h == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros(0, dtype=np.int64)
    frac = np.arange(h) / h                       # shape (h,)
    cls = np.arange(2)[:, None]                   # shape (2, 1)
    r = 5.0 * frac[None, :]                       # (1, h) broadcast against classes
    t = 1.75 * 2 * np.pi * frac[None, :] + cls * np.pi   # (2, h)
    x = (r * np.sin(t)).ravel()
    y = (r * np.cos(t)).ravel()
    points = np.stack([x, y], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    labels = np.broadcast_to(cls, (2, h)).ravel().astype(np.int64)
    return points, labels
