"""Bug: returns num_points rows (class 1 gets num_points - num_points // 2
points) instead of 2 * (num_points // 2)."""
import numpy as np

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ('spiral_2d.layout', 'spiral_2d.noise_box', 'spiral_2d.reproducible', 'spiral_2d.vectorised', 'spiral_2d.bad_input', 'spiral_2d.learnable',)


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)) or num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    sizes = (num_points // 2, num_points - num_points // 2)
    blocks, labels = [], []
    for c, h in enumerate(sizes):
        i = np.arange(h) / max(h, 1)
        t = 3.5 * np.pi * i + c * np.pi
        blocks.append(np.stack([5 * i * np.sin(t), 5 * i * np.cos(t)], axis=1)
                      + np.random.uniform(-0.1, 0.1, (h, 2)))
        labels.append(np.full(h, c, dtype=np.int64))
    return np.concatenate(blocks), np.concatenate(labels)
