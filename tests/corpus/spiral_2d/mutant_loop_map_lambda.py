"""Bug: the coordinates are built with map(lambda ...) over every index, a Python loop over the points in disguise (the no-loop clause); the output is otherwise right."""
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
    rows = range(2 * h)
    polar = list(map(lambda k: (5 * (k % h) / h, 1.75 * 2 * np.pi * (k % h) / h + (k // h) * np.pi), rows))
    polar = np.array(polar)
    r, t = polar[:, 0], polar[:, 1]
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    labels = (np.arange(2 * h) >= h).astype(np.int64)
    return points, labels
