"""Correct: all noise drawn as one (2, 2h) block (y row first, then x), the
classes built by broadcasting an offset column; np.random.rand for noise."""
import numpy as np


def spiral_2d(num_points):
    if type(num_points) is not int and not isinstance(num_points, np.integer):
        raise TypeError("num_points must be an integer")
    if num_points < 0:
        raise ValueError("num_points must be non-negative")
    h = num_points // 2
    s = np.arange(h) / max(h, 1)
    angle = 1.75 * 2 * np.pi * s + np.array([[0.0], [np.pi]])  # (2, h)
    radius = 5 * s
    ny, nx = (np.random.rand(2, 2 * h) - 0.5) * 0.2
    xs = (radius * np.sin(angle)).ravel() + nx
    ys = (radius * np.cos(angle)).ravel() + ny
    labels = (np.arange(2 * h) >= h).astype(np.int64)
    return np.stack([xs, ys], axis=1), labels
