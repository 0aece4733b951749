"""Correct: np.tile / np.repeat for index and class, noise as (np.random.rand(2h, 2) - 0.5) * 0.2."""
import numpy as np


def spiral_2d(num_points):
    ok = isinstance(num_points, (int, np.integer)) and not isinstance(num_points, (bool, np.bool_))
    if not ok or num_points < 0:
        raise ValueError(f"spiral_2d: num_points must be a non-negative integer, not {num_points!r}")
    h = int(num_points) // 2
    if h == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    idx = np.tile(np.arange(h), 2)
    cls = np.repeat([0, 1], h)
    r = 5.0 * idx / h
    t = 2 * np.pi * 1.75 * idx / h + np.pi * cls
    noise = (np.random.rand(2 * h, 2) - 0.5) * 0.2
    points = np.array([r * np.sin(t), r * np.cos(t)]).T + noise
    return np.ascontiguousarray(points, dtype=np.float64), cls.astype(np.int64)
