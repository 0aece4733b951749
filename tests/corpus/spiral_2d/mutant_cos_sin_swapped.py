"""Bug: x = r cos(t), y = r sin(t) (cos and sin swapped)."""
import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ('spiral_2d.layout', 'spiral_2d.noise_box', 'spiral_2d.noise_distribution', 'spiral_2d.reproducible', 'spiral_2d.vectorised', 'spiral_2d.bad_input', 'spiral_2d.learnable',)


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)) or num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = num_points // 2
    i = np.tile(np.arange(h, dtype=np.float64), 2)
    r = 5 * i / max(h, 1)
    t = 3.5 * np.pi * i / max(h, 1) + np.repeat([0.0, np.pi], h)
    points = np.stack([r * np.cos(t), r * np.sin(t)], axis=1) + np.random.uniform(-0.1, 0.1, (2 * h, 2))
    return points, np.repeat(np.array([0, 1], dtype=np.int64), h)
