"""Correct: the tutorial's own formulas (i / half * 5, 1.75 * i / half * 2 * pi + offset) vectorised per class with np.array([...]).T."""
import numpy as np


def _class_points(half, offset):
    i = np.arange(half)
    r = i / half * 5
    t = 1.75 * i / half * 2 * np.pi + offset
    noise = np.random.uniform(-0.1, 0.1, (half, 2))
    return np.array([r * np.sin(t), r * np.cos(t)]).T + noise


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not hasattr(num_points, "__index__"):
        raise ValueError("num_points must be a non-negative integer")
    num_points = num_points.__index__()
    if num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    half_num_pts = num_points // 2
    if half_num_pts == 0:
        return np.zeros((0, 2)), np.array([], dtype=np.int64)
    points = np.concatenate([_class_points(half_num_pts, 0), _class_points(half_num_pts, np.pi)])
    labels = np.array([*[0] * half_num_pts, *[1] * half_num_pts], dtype=np.int64)
    return points.astype(np.float64), labels
