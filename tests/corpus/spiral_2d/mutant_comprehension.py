"""Bug: the curve is built by a list comprehension over the points (a
Python loop in disguise); everything else is right."""
import math

import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("spiral_2d.vectorised",)


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)) or num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = num_points // 2
    curve = [(5 * i / h * math.sin(3.5 * math.pi * i / h + c * math.pi),
              5 * i / h * math.cos(3.5 * math.pi * i / h + c * math.pi))
             for c in (0, 1) for i in range(h)]
    points = np.array(curve, dtype=np.float64).reshape(2 * h, 2)
    points += np.random.uniform(-0.1, 0.1, points.shape)
    return points, np.repeat(np.array([0, 1], dtype=np.int64), h)
