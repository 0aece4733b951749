"""Nothing: validates input and gets the labels right, but every point is (0, 0) (no spiral, no noise)."""
import operator

import numpy as np


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
    labels = np.repeat(np.array([0, 1], dtype=np.int64), h)
    return np.zeros((2 * h, 2), dtype=np.float64), labels
