"""Bug: the tutorial's double loop over the points (correct numbers, not
vectorised): must lose the vectorisation points only."""
import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("spiral_2d.vectorised",)


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)) or num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = num_points // 2
    points, labels = [], []
    for label, offset in ((0, 0.0), (1, np.pi)):
        for i in range(h):
            r = i / h * 5
            t = 1.75 * i / h * 2 * np.pi + offset
            points.append([r * np.sin(t) + np.random.uniform(-0.1, 0.1),
                           r * np.cos(t) + np.random.uniform(-0.1, 0.1)])
            labels.append(label)
    return np.array(points, dtype=np.float64).reshape(-1, 2), np.array(labels, dtype=np.int64)
