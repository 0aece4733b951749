"""Bug: no input validation at all: a negative num_points silently returns empty arrays and a float like 2.5 raises TypeError from numpy instead of ValueError (the validation clause)."""
import numpy as np


def spiral_2d(num_points):
    h = num_points // 2
    if h <= 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    frac = np.tile(np.arange(h) / h, 2)
    cls = np.repeat(np.array([0, 1]), h)
    r = 5.0 * frac
    t = 1.75 * 2 * np.pi * frac + cls * np.pi
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    return points, cls.astype(np.int64)
