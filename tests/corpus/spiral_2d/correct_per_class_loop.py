"""Correct: a Python loop over the two classes only, each drawing an (h, 2) uniform noise block, then np.vstack."""
import numbers

import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, numbers.Integral):
        raise ValueError("num_points must be a non-negative integer, got %r" % (num_points,))
    if num_points < 0:
        raise ValueError("num_points must be a non-negative integer, got %r" % (num_points,))
    half = int(num_points) // 2
    if half < 1:
        return np.empty((0, 2)), np.empty((0,), dtype=np.int64)
    i = np.arange(half, dtype=np.float64)
    blocks = []
    labels = []
    for label, offset in ((0, 0.0), (1, np.pi)):
        r = i / half * 5
        t = 1.75 * i / half * 2 * np.pi + offset
        noise = np.random.uniform(-0.1, 0.1, size=(half, 2))
        blocks.append(np.stack((r * np.sin(t), r * np.cos(t)), axis=-1) + noise)
        labels.append(np.full(half, label, dtype=np.int64))
    return np.vstack(blocks), np.concatenate(labels)
