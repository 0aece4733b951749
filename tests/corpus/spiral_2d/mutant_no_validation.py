"""Bug: no input validation: int(num_points) silently accepts 2.5 and "10"
(and -1 gives empty arrays)."""
import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("spiral_2d.bad_input",)


def spiral_2d(num_points):
    h = max(int(num_points), 0) // 2
    i = np.tile(np.arange(h, dtype=np.float64), 2)
    r = 5 * i / max(h, 1)
    t = 3.5 * np.pi * i / max(h, 1) + np.repeat([0.0, np.pi], h)
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    return points, np.repeat(np.array([0, 1], dtype=np.int64), h)
