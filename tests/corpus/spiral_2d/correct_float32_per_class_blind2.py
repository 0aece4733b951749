"""Correct: float32 internal arithmetic, loop over the two classes only, noise drawn per class and per column (x then y), result cast to float64."""

import operator

import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool):
        raise TypeError("num_points must be an integer")
    try:
        n = operator.index(num_points)
    except TypeError as exc:
        raise TypeError(f"num_points must be an integer, got {num_points!r}") from exc
    if n < 0:
        raise ValueError("num_points must be non-negative")
    h = n // 2
    pts = []
    labs = []
    idx = np.arange(h, dtype=np.float32)
    for c in (0, 1):
        r = np.float32(5.0) * idx / np.float32(h if h else 1)
        t = np.float32(1.75 * 2 * np.pi) * idx / np.float32(h if h else 1) + np.float32(c * np.pi)
        ex = np.random.uniform(-0.1, 0.1, h).astype(np.float32)
        ey = np.random.uniform(-0.1, 0.1, h).astype(np.float32)
        x = r * np.sin(t) + ex
        y = r * np.cos(t) + ey
        pts.append(np.stack([x, y], axis=1))
        labs.append(np.full(h, c, dtype=np.int64))
    points = np.concatenate(pts, axis=0).astype(np.float64).reshape(2 * h, 2)
    labels = np.concatenate(labs).astype(np.int64).reshape(2 * h)
    return points, labels
