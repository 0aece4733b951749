"""Bug: the class offset c * pi is dropped, so both classes lie on the same spiral (the geometry clause)."""
import operator

import numpy as np

RADIUS = 5.0
TURNS = 1.75
NOISE = 0.1


def _count(num_points):
    if isinstance(num_points, bool):
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}")
    try:
        n = operator.index(num_points)
    except TypeError:
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}") from None
    if n < 0:
        raise ValueError(f"num_points must be a non-negative integer, got {n}")
    return n


def spiral_2d(num_points):
    h = _count(num_points) // 2
    if h == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    i = np.arange(h, dtype=np.float64)
    blocks, labels = [], []
    for c in (0, 1):
        r = RADIUS * i / h
        t = TURNS * 2 * np.pi * i / h
        ex_ey = np.random.uniform(-NOISE, NOISE, size=(h, 2))
        blocks.append(np.column_stack((r * np.sin(t), r * np.cos(t))) + ex_ey)
        labels.append(np.full(h, c, dtype=np.int64))
    return np.concatenate(blocks), np.concatenate(labels)
