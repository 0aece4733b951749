"""Correct: a loop over the two classes, angles from np.linspace, the x and
y noise drawn by separate calls (class 0 x, class 0 y, class 1 x, ...)."""
import operator

import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool):
        raise TypeError("num_points must be an int")
    n = operator.index(num_points)  # TypeError for 2.5 and "10"
    if n < 0:
        raise ValueError("num_points must be >= 0")
    h = n // 2
    blocks = []
    for c in range(2):
        frac = np.linspace(0.0, 1.0, h, endpoint=False)
        r = 5.0 * frac
        t = 3.5 * np.pi * frac + c * np.pi
        x = r * np.sin(t) + np.random.uniform(-0.1, 0.1, h)
        y = r * np.cos(t) + np.random.uniform(-0.1, 0.1, h)
        blocks.append(np.column_stack([x, y]))
    points = np.concatenate(blocks).reshape(2 * h, 2).astype(np.float64)
    labels = np.concatenate([np.zeros(h, dtype=np.int64), np.ones(h, dtype=np.int64)])
    return points, labels
