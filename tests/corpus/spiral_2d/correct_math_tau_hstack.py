"""Correct: math.tau for 2*pi, numbers.Integral validation, class blocks joined with np.vstack / np.hstack."""
import math
import numbers

import numpy as np

SPIRAL_RADIUS = 5.0
SPIRAL_TURNS = 1.75
SPIRAL_NOISE = 0.1


def spiral_2d(num_points):
    if not isinstance(num_points, numbers.Integral) or isinstance(num_points, bool):
        raise ValueError(f"expected a non-negative integer, got {num_points!r}")
    if num_points < 0:
        raise ValueError(f"expected a non-negative integer, got {num_points!r}")
    h = int(num_points) // 2
    i = np.arange(h) / h if h else np.zeros(0)
    r = SPIRAL_RADIUS * i
    t0 = SPIRAL_TURNS * math.tau * i
    t1 = t0 + math.pi
    xy0 = np.vstack([r * np.sin(t0), r * np.cos(t0)]).T
    xy1 = np.vstack([r * np.sin(t1), r * np.cos(t1)]).T
    base = np.vstack([xy0, xy1]).reshape(2 * h, 2)
    noise = np.random.uniform(-SPIRAL_NOISE, SPIRAL_NOISE, (2 * h, 2))
    labels = np.hstack([np.zeros(h, dtype=np.int64), np.ones(h, dtype=np.int64)])
    return (base + noise).astype(np.float64), labels
