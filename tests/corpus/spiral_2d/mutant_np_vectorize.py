"""Bug: np.vectorize of a Python function (a loop over the points in C
calling Python per point); the numbers are right."""
import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("spiral_2d.vectorised",)


def _point(i, h, c):
    r = 5 * i / h
    t = 1.75 * 2 * np.pi * i / h + c * np.pi
    return r * np.sin(t), r * np.cos(t)


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)) or num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = num_points // 2
    if h == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    i = np.tile(np.arange(h), 2)
    c = np.repeat([0, 1], h)
    x, y = np.vectorize(_point)(i, h, c)
    points = np.stack([x, y], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    return points, c.astype(np.int64)
