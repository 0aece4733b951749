"""Correct: the curve as complex numbers r * i * exp(-i t) (real part
r sin t, imaginary part r cos t); noise from np.random.random_sample scaled
to [-0.1, 0.1)."""
import numbers

import numpy as np


def spiral_2d(num_points):
    if not isinstance(num_points, numbers.Integral) or isinstance(num_points, bool) or num_points < 0:
        raise ValueError(f"num_points must be a non-negative integer, got {num_points!r}")
    h = int(num_points) // 2
    i = np.tile(np.arange(h), 2)
    cls = np.repeat(np.arange(2), h)
    r = i * (5.0 / h) if h else np.zeros(0)
    t = (i * (1.75 * 2 * np.pi / h) if h else np.zeros(0)) + np.pi * cls
    z = r * 1j * np.exp(-1j * t)
    noise = np.random.random_sample((2 * h, 2)) * 0.2 - 0.1
    points = np.stack([z.real, z.imag], axis=-1) + noise
    return points, cls.astype(np.int64)
