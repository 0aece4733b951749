"""Bug: the spiral coordinates are computed by a Python list comprehension over every point (a loop over the points, disguised), though the output is otherwise right (the no-loop clause)."""
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
    base = np.array([
        [5 * i / h * np.sin(1.75 * 2 * np.pi * i / h + c * np.pi),
         5 * i / h * np.cos(1.75 * 2 * np.pi * i / h + c * np.pi)]
        for c in (0, 1) for i in range(h)
    ])
    points = base + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    labels = np.repeat(np.array([0, 1], dtype=np.int64), h)
    return points, labels
