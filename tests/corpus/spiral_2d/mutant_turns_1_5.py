"""Bug: 1.5 turns instead of 1.75."""

import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ('spiral_2d.layout', 'spiral_2d.noise_box', 'spiral_2d.noise_distribution', 'spiral_2d.reproducible', 'spiral_2d.vectorised', 'spiral_2d.bad_input', 'spiral_2d.learnable',)


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)):
        raise TypeError("num_points must be an integer")
    if num_points < 0:
        raise ValueError("num_points must be non-negative")
    h = num_points // 2
    i = np.arange(h, dtype=np.float64)
    r = np.concatenate([5 * i / max(h, 1), 5 * i / max(h, 1)])
    t = np.concatenate([1.5 * 2 * np.pi * i / max(h, 1), 1.5 * 2 * np.pi * i / max(h, 1) + np.pi])
    noise = np.random.uniform(-0.1, 0.1, (2 * h, 2))
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + noise
    labels = np.repeat(np.array([0, 1], dtype=np.int64), h)
    return points, labels
