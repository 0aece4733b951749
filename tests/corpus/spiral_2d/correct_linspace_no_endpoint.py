"""Correct: np.linspace(..., endpoint=False) for i/h, np.column_stack, noise as random_sample * 0.2 - 0.1."""
import numpy as np


class InvalidCount(ValueError):
    pass


def spiral_2d(num_points):
    if isinstance(num_points, (bool, np.bool_)) or not isinstance(num_points, (int, np.integer)):
        raise InvalidCount("num_points must be a non-negative integer")
    if num_points < 0:
        raise InvalidCount("num_points must be a non-negative integer")
    h = int(num_points) // 2
    frac = np.linspace(0.0, 1.0, h, endpoint=False)
    frac2 = np.concatenate([frac, frac])
    offset = np.concatenate([np.zeros(h), np.full(h, np.pi)])
    r = 5 * frac2
    t = 1.75 * 2 * np.pi * frac2 + offset
    noise = np.random.random_sample((2 * h, 2)) * 0.2 - 0.1
    points = np.column_stack((r * np.sin(t), r * np.cos(t))) + noise
    labels = np.concatenate([np.zeros(h, dtype=np.int64), np.ones(h, dtype=np.int64)])
    return points.reshape(2 * h, 2).astype(np.float64), labels
