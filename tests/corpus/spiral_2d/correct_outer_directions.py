"""Correct: radius times a stacked (sin, cos) direction matrix via broadcasting r[:, None] * dirs, noise with keyword size=."""
import operator

import numpy as np


def spiral_2d(num_points):
    try:
        if isinstance(num_points, bool):
            raise TypeError
        n = operator.index(num_points)
    except TypeError:
        raise ValueError(f"num_points must be a non-negative integer, got {type(num_points).__name__}") from None
    if n < 0:
        raise ValueError("num_points must be >= 0")
    h = n // 2
    labels = (np.arange(2 * h) >= h).astype(np.int64)
    if h == 0:
        return np.zeros((0, 2)), labels
    i = np.arange(2 * h) - labels * h
    r = np.multiply(5.0, i) / h
    t = np.multiply(1.75 * 2 * np.pi, i) / h + labels * np.pi
    dirs = np.stack([np.sin(t), np.cos(t)], axis=-1)
    points = r[:, None] * dirs + np.random.uniform(low=-0.1, high=0.1, size=(2 * h, 2))
    return points, labels
