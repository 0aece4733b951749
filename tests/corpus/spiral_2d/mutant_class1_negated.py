"""Bug: class 1 is built as the negation of the noisy class-0 points (since sin(t + pi) = -sin t), so its noise is -1 times class 0's, not fresh independent draws (the noise clause)."""
import operator

import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool):
        raise ValueError("num_points must be a non-negative integer")
    try:
        n = operator.index(num_points)
    except TypeError:
        raise ValueError("num_points must be a non-negative integer") from None
    if n < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = n // 2
    if h == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    i = np.arange(h)
    r = 5 * i / h
    t = 1.75 * 2 * np.pi * i / h
    class0 = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + np.random.uniform(-0.1, 0.1, (h, 2))
    class1 = -class0  # t + pi flips both signs
    labels = np.concatenate([np.zeros(h, np.int64), np.ones(h, np.int64)])
    return np.concatenate([class0, class1]), labels
