"""Bug: it is the tutorial's double for-loop over the points (one np.random.uniform call per coordinate), with validation and dtypes fixed, i.e. not vectorised (the no-loop clause)."""
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
    half = _count(num_points) // 2
    if half == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    points = []
    labels = []
    for label, offset in ((0, 0.0), (1, np.pi)):
        for i in range(half):
            r = i / half * 5
            t = 1.75 * i / half * 2 * np.pi + offset
            points.append([r * np.sin(t) + np.random.uniform(-0.1, 0.1),
                           r * np.cos(t) + np.random.uniform(-0.1, 0.1)])
            labels.append(label)
    return np.array(points, dtype=np.float64), np.array(labels, dtype=np.int64)
