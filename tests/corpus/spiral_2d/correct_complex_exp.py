"""Correct: complex numbers, z = r * exp(1j * t), x = Im z (r sin t), y = Re z (r cos t)."""
import operator

import numpy as np


def spiral_2d(num_points):
    if type(num_points) is bool:
        raise ValueError("num_points must be a non-negative integer")
    try:
        n = operator.index(num_points)
    except TypeError as exc:
        raise ValueError("num_points must be a non-negative integer") from exc
    if n < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = n // 2
    if not h:
        return np.zeros((0, 2)), np.zeros((0,), np.int64)
    k = np.arange(2 * h)
    i = k % h
    c = k // h
    r = 5 * i / h
    t = 1.75 * 2 * np.pi * i / h + c * np.pi
    z = r * np.exp(1j * t)
    points = np.empty((2 * h, 2), dtype=np.float64)
    points[:, 0] = z.imag
    points[:, 1] = z.real
    points += np.random.uniform(-0.1, 0.1, points.shape)
    return points, c.astype(np.int64)
